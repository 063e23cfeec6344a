"""Web Push (issue 17, points 2-4) against a push service on loopback that checks the VAPID
token and decrypts the message as the browser would (tests/services/fake_push.py).

Joining a queue nobody waits in makes one next, which is pushed too: tests about something
else let those pushes go first (``settled``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import PushSubscription, QueueState, Session
from db.types import utcnow
from equeue_ui import runtime
from equeue_ui.errors import InvalidError, NotFoundError
from equeue_ui.events import QueueChanged, StudentCalled
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, push, push_sending, queues
from equeue_ui.services.push_sending import PushSender, Target
from equeue_ui.services.views import UserView
from tests import databases
from tests.conftest import make_settings
from tests.services import queue_world
from tests.services.fake_push import Browser, FakePushService, b64url
from tests.services.queue_world import QueueWorld, join_all

WAIT_S = 10  # an upper bound that only a broken test reaches; nothing waits for it to pass


@pytest.fixture
async def fake() -> AsyncIterator[FakePushService]:
    service = FakePushService()
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture
def admit_loopback(rt: Runtime) -> None:
    rt.settings.push_allow_hosts = ["127.0.0.1"]


@pytest.fixture
async def sender(rt: Runtime) -> AsyncIterator[PushSender]:
    installed = PushSender()
    installed.install(rt.own_events)
    try:
        yield installed
    finally:
        await installed.close()


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await queue_world.make_queue_world(rt)


async def signed_in(rt: Runtime, user: UserView, token: str) -> str:
    """A session of ``user`` as sign-in makes one (the token is what the cookie holds)."""
    async with rt.db.write_session() as session:
        session.add(
            Session(
                token_hash=accounts.hash_token(token),
                user_id=user.id,
                expires_at=utcnow() + accounts.SESSION_LIFETIME,
            )
        )
        await session.commit()
    return token


async def subscribe(
    fake: FakePushService, user: UserView, token: str, name: str
) -> tuple[Browser, str]:
    browser = fake.subscription(name)
    endpoint = fake.endpoint(browser)
    await push.subscribe(
        actor=user,
        session_token=token,
        endpoint=endpoint,
        p256dh=browser.p256dh,
        auth=push_auth(browser),
        user_agent=f"{name} browser",
    )
    return browser, endpoint


async def settled(sender: PushSender, fake: FakePushService) -> None:
    """Every push started so far is done, and forgotten: the test looks at what comes next."""
    async with asyncio.timeout(WAIT_S):
        await sender.idle()
    fake.received.clear()


async def settled_after(sender: PushSender, fake: FakePushService, *, expect: list[str]) -> None:
    """The pushes since the last ``settled`` went to ``expect`` (paths), each "you are next"."""
    async with asyncio.timeout(WAIT_S):
        await sender.idle()
    assert sorted(r.path for r in fake.received) == sorted(expect)
    assert all(r.message["title"] == "Вы следующий" for r in fake.received)
    fake.received.clear()


async def subscribed(rt: Runtime, fake: FakePushService, *users: UserView) -> None:
    """Each user gets pushes on one device, named after their index in ``users``."""
    for index, user in enumerate(users):
        await subscribe(fake, user, await signed_in(rt, user, f"t{index}"), f"s{index}")


def push_auth(browser: Browser) -> str:
    return b64url(browser.auth)


async def stored(rt: Runtime, user: UserView) -> list[PushSubscription]:
    async with rt.db.read_session() as session:
        return list(
            (
                await session.scalars(
                    select(PushSubscription).where(PushSubscription.user_id == user.id)
                )
            ).all()
        )


@pytest.mark.usefixtures("admit_loopback")
async def test_a_call_reaches_each_device_within_a_second_and_the_next_student_is_told(
    rt: Runtime, qw: QueueWorld, fake: FakePushService, sender: PushSender
) -> None:
    student, other = qw.students[0], qw.students[1]
    await accounts.set_preferences(actor=student, language="en")
    token = await signed_in(rt, student, "phone-token")
    await subscribe(fake, student, token, "phone")
    await subscribe(fake, student, token, "laptop")
    await subscribe(fake, other, await signed_in(rt, other, "other-token"), "other")
    await join_all(qw, student, other)
    await settled(sender, fake)  # the student was told they are next when they joined

    await queues.call_next(qw.queue_id, actor=qw.teacher)
    called_at = time.monotonic()  # the call is committed: the teacher's click is done
    async with asyncio.timeout(WAIT_S):
        received = await fake.wait_for(3)
    await sender.idle()

    by_path = {r.path: r for r in received}
    assert sorted(by_path) == ["/push/laptop", "/push/other", "/push/phone"]
    assert by_path["/push/other"].message == {
        "title": "Вы следующий",
        "body": "Приготовьтесь: Algebra",
        "topic": f"queue-{qw.queue_id}",
        "url": f"/queues/{qw.queue_id}",
    }
    for message in (by_path["/push/phone"], by_path["/push/laptop"]):
        assert message.at - called_at < 1.0
        assert message.message == {
            "title": "It is your turn!",
            "body": "Go to the teacher: Algebra",
            "topic": f"queue-{qw.queue_id}",
            "url": f"/queues/{qw.queue_id}",
        }
        assert message.headers["TTL"] == "90"
        assert message.headers["Urgency"] == "high"
        assert message.headers["Topic"] == f"queue-{qw.queue_id}"
        assert message.vapid_key == push.public_key()
    assert all(s.last_success_at is not None for s in await stored(rt, student))
    assert len(fake.received) == 3  # once each


@pytest.mark.usefixtures("admit_loopback")
async def test_only_the_student_the_call_made_next_is_told(
    rt: Runtime, qw: QueueWorld, fake: FakePushService, sender: PushSender
) -> None:
    a, b, c = qw.students[0], qw.students[1], qw.students[2]
    for user, name in ((b, "b"), (c, "c")):
        await subscribe(fake, user, await signed_in(rt, user, name), name)
    await join_all(qw, a, b, c)
    await queues.call_next(qw.queue_id, actor=qw.teacher)  # a called: b is next
    async with asyncio.timeout(WAIT_S):
        (told,) = await fake.wait_for(1)
        await sender.idle()
    assert (told.path, told.message["title"]) == ("/push/b", "Вы следующий")
    assert len(fake.received) == 1  # not c, two places behind


@pytest.mark.usefixtures("admit_loopback")
async def test_the_push_is_in_the_default_language_for_who_chose_none(
    rt: Runtime, qw: QueueWorld, fake: FakePushService, sender: PushSender
) -> None:
    student = qw.students[0]
    await subscribe(fake, student, await signed_in(rt, student, "t"), "phone")
    await join_all(qw, student)
    await settled(sender, fake)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    async with asyncio.timeout(WAIT_S):
        (received,) = await fake.wait_for(1)
    assert received.message["title"] == "Ваша очередь!"  # the site's default: Russian


@pytest.mark.usefixtures("admit_loopback")
async def test_a_subscription_the_push_service_calls_gone_is_deleted(
    rt: Runtime, qw: QueueWorld, fake: FakePushService, sender: PushSender
) -> None:
    student = qw.students[0]
    await subscribe(fake, student, await signed_in(rt, student, "t"), "phone")
    await join_all(qw, student)
    await settled(sender, fake)
    fake.answer = 410
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    async with asyncio.timeout(WAIT_S):
        await fake.wait_for(1)
        await sender.idle()
    assert await stored(rt, student) == []


@pytest.mark.usefixtures("admit_loopback")
async def test_a_hanging_push_service_does_not_hold_up_the_call(
    rt: Runtime, qw: QueueWorld, fake: FakePushService, sender: PushSender
) -> None:
    student = qw.students[0]
    await subscribe(fake, student, await signed_in(rt, student, "t"), "phone")
    await join_all(qw, student)
    await settled(sender, fake)
    fake.hang = True

    await queues.call_next(qw.queue_id, actor=qw.teacher)  # returns at commit
    async with asyncio.timeout(WAIT_S):
        while fake.started == 0:  # the push service has the request, and sits on it
            await asyncio.sleep(0.01)
    assert sender.busy  # still waiting for the push service, though the call is done
    assert (await queues.pending_calls(actor=student))[0].queue_id == qw.queue_id


async def test_a_loopback_endpoint_is_refused_by_default(
    rt: Runtime, qw: QueueWorld, fake: FakePushService
) -> None:
    student = qw.students[0]
    token = await signed_in(rt, student, "t")
    browser = fake.subscription("phone")
    with pytest.raises(InvalidError):  # plain http: no real push service is
        await push.subscribe(
            actor=student,
            session_token=token,
            endpoint=fake.endpoint(browser),
            p256dh=browser.p256dh,
            auth=push_auth(browser),
        )
    # An https address of a private host is taken, but nothing is ever sent there.
    target = Target(f"https://127.0.0.1:{fake.port}/push/phone", browser.p256dh, push_auth(browser))
    message = push_sending.PushMessage("t", "b", "queue-1", "/queues/1")
    assert await push_sending.deliver(target, message) is False
    assert fake.started == 0


async def test_bad_keys_are_refused(rt: Runtime, qw: QueueWorld) -> None:
    student = qw.students[0]
    token = await signed_in(rt, student, "t")
    for p256dh, auth in (("bm90IGEga2V5", "AAAAAAAAAAAAAAAAAAAAAA"), ("", "")):
        with pytest.raises(InvalidError):
            await push.subscribe(
                actor=student,
                session_token=token,
                endpoint="https://push.example.com/x",
                p256dh=p256dh,
                auth=auth,
            )


@pytest.mark.usefixtures("admit_loopback")
async def test_devices_are_listed_removed_and_go_with_their_session(
    rt: Runtime, qw: QueueWorld, fake: FakePushService
) -> None:
    student, other = qw.students[0], qw.students[1]
    phone = await signed_in(rt, student, "phone-session")
    laptop = await signed_in(rt, student, "laptop-session")
    await subscribe(fake, student, phone, "phone")
    await subscribe(fake, student, laptop, "laptop")

    listed = await push.devices(actor=student, session_token=phone)
    assert sorted((d.user_agent, d.this_browser) for d in listed) == [
        ("laptop browser", False),
        ("phone browser", True),
    ]
    laptop_device = next(d for d in listed if d.user_agent == "laptop browser")
    with pytest.raises(NotFoundError):  # not theirs
        await push.remove_device(laptop_device.id, actor=other)
    await push.remove_device(laptop_device.id, actor=student)
    assert [d.user_agent for d in await push.devices(actor=student)] == ["phone browser"]

    await accounts.sign_out(phone)  # signing the phone out takes its subscription along
    assert await push.devices(actor=student) == []


async def test_the_vapid_key_is_made_once_and_kept_private(rt: Runtime, tmp_path: Path) -> None:
    first = push.public_key()
    path = rt.settings.data_dir / push.VAPID_KEY_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    push._key_in_folder.cache_clear()
    assert push.public_key() == first  # read back, not made anew


# --- "you are next", whatever made it so ------------------------------------------------------


@pytest.mark.usefixtures("admit_loopback")
async def test_when_the_student_ahead_leaves_the_new_next_is_told_once_even_after_a_restart(
    rt: Runtime, qw: QueueWorld, fake: FakePushService, sender: PushSender
) -> None:
    a, b, c, d = qw.students
    await subscribed(rt, fake, a, b, c, d)
    await join_all(qw, a, b, c)
    async with asyncio.timeout(WAIT_S):
        (told,) = await fake.wait_for(1)
    await settled(sender, fake)
    assert (told.path, told.message["title"]) == ("/push/s0", "Вы следующий")  # a, on joining

    await queues.leave_queue(qw.queue_id, actor=a)
    await settled_after(sender, fake, expect=["/push/s1"])  # b is next now

    restarted = PushSender()  # what was told is kept in the database, not in the sender
    await sender.close()
    restarted.install(rt.own_events)
    try:
        await join_all(qw, d)  # b stays next
        await queues.freeze(qw.queue_id, actor=c)  # so does a change behind b
        await settled_after(restarted, fake, expect=[])
    finally:
        await restarted.close()


@pytest.mark.usefixtures("admit_loopback")
@pytest.mark.parametrize("take_out", [queues.remove_entry, queues.skip, queues.accept])
async def test_when_the_teacher_takes_out_the_head_the_new_next_is_told(
    rt: Runtime,
    qw: QueueWorld,
    fake: FakePushService,
    sender: PushSender,
    take_out: Callable[..., Awaitable[None]],
) -> None:
    a, b, c, _ = qw.students
    await subscribed(rt, fake, a, b, c)
    head, _, _ = await join_all(qw, a, b, c)
    await settled(sender, fake)

    await take_out(head, actor=qw.teacher)  # not called first: taken straight out of the line
    await settled_after(sender, fake, expect=["/push/s1"])


@pytest.mark.usefixtures("admit_loopback")
async def test_the_draw_placing_someone_first_tells_them(
    rt: Runtime,
    fake: FakePushService,
    sender: PushSender,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = utcnow()

    def clock() -> datetime:
        return now

    monkeypatch.setattr(queues, "utcnow", clock)
    qw = await queue_world.make_queue_world(rt, state=QueueState.CLOSED)
    await queue_world.set_queue(rt, qw.queue_id, fair_start_seconds=30)
    await queues.set_state(qw.queue_id, QueueState.OPEN, actor=qw.teacher)
    await subscribed(rt, fake, *qw.students)
    await join_all(qw, *qw.students)  # all wait for the draw: nobody is next yet
    await settled_after(sender, fake, expect=[])

    now += timedelta(seconds=30)
    assert await queues.draw_if_due(qw.queue_id)
    first = (await queue_world.snapshot(qw)).entries[0].user_id
    index = [s.id for s in qw.students].index(first)
    await settled_after(sender, fake, expect=[f"/push/s{index}"])


@pytest.mark.usefixtures("admit_loopback")
async def test_two_claims_of_the_same_next_push_once(
    rt: Runtime, qw: QueueWorld, fake: FakePushService
) -> None:
    """As when two processes each commit a change that leaves the same student next."""
    a, b, *_ = qw.students
    await subscribed(rt, fake, b)
    await join_all(qw, a, b)  # no sender here: nobody was told anything yet
    await queues.leave_queue(qw.queue_id, actor=a)
    changed = QueueChanged(qw.queue_id, (await queue_world.snapshot(qw)).version)

    sent = await asyncio.gather(*(push_sending.announce_next(changed) for _ in range(3)))
    assert sorted(sent) == [0, 0, 1]
    assert [r.path for r in fake.received] == ["/push/s0"]


# --- two app processes ----------------------------------------------------------------------


@pytest.mark.postgres
async def test_with_two_processes_a_call_is_pushed_once(
    pg_template: str, tmp_path: Path, fake: FakePushService
) -> None:
    databases.truncate_all(pg_template)
    url = databases.pg_url(pg_template)
    a, b = (
        runtime.build(make_settings(url, tmp_path / name), load_snapshot=queues.load_snapshot)
        for name in "ab"
    )
    senders = [PushSender(), PushSender()]
    heard_by_b: list[StudentCalled] = []
    b.bus.subscribe(StudentCalled, heard_by_b.append)
    runtime.install(a)
    try:
        for rt, sender in zip((a, b), senders, strict=True):
            rt.settings.push_allow_hosts = ["127.0.0.1"]
            assert rt.listener is not None
            await rt.listener.start()
            sender.install(rt.own_events)
        qw = await queue_world.make_queue_world(a)
        student = qw.students[0]
        await subscribe(fake, student, await signed_in(a, student, "t"), "phone")
        await join_all(qw, student)
        for sender in senders:
            await settled(sender, fake)

        await queues.call_next(qw.queue_id, actor=qw.teacher)
        async with asyncio.timeout(WAIT_S):
            await fake.wait_for(1)
            while not heard_by_b:  # B knows of the call (its open pages would ring)...
                await asyncio.sleep(0.01)
            for sender in senders:
                await sender.idle()
        assert len(fake.received) == 1  # ...but only A, which made it, pushed
    finally:
        for sender in senders:
            await sender.close()
        for rt in (a, b):
            assert rt.listener is not None
            await rt.listener.stop()
            await rt.hub.close()
        runtime.install(None)
        for rt in (a, b):
            await rt.db.dispose()
