"""eCourses pictures (services/avatars.py): fetched by the server after a sign-in through the
fetch guard with the token in the request body, re-encoded, kept with their address and not
fetched again for it; a slow or broken picture never holds up signing in (SQLite and
PostgreSQL, against the fake over HTTP)."""

from __future__ import annotations

import asyncio
import io

import pytest
from argon2 import PasswordHasher
from PIL import Image
from sqlalchemy import select

from db.models import User, UserPicture
from equeue_ui import fetch_guard
from equeue_ui.ecourses.fake.data import DEMO_PASSWORD
from equeue_ui.events import UserChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, avatars, ecourses_accounts
from tests.ecourses.conftest import Fake
from tests.services import factories

BINDING = "this-browser"
PICTURE_PATH = "/webservice/pluginfile.php/8002/user/icon/boost/f1"


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


async def sign_in() -> int:
    ticket = await ecourses_accounts.sign_in_with_ecourses(
        "a.ivanov", DEMO_PASSWORD, binding=BINDING
    )
    return (await accounts.redeem_ticket(ticket, binding=BINDING)).user.id


async def kept(rt: Runtime, user_id: int) -> tuple[User, UserPicture | None]:
    async with rt.db.read_session() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user, await session.get(UserPicture, user_id)


def picture_fetches(fake: Fake) -> list[dict[str, object]]:
    return [r for r in fake.requests() if str(r["path"]).startswith("/webservice/pluginfile")]


async def test_the_ecourses_picture_is_fetched_with_the_token_in_the_body_and_kept(
    ert: Runtime, fake: Fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    guarded: list[str] = []
    real_fetch = fetch_guard.fetch

    async def watched(url: str, **options: object) -> fetch_guard.FetchResult:
        guarded.append(url)
        return await real_fetch(url, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(fetch_guard, "fetch", watched)
    heard: list[UserChanged] = []
    ert.bus.subscribe(UserChanged, heard.append)

    user_id = await sign_in()
    await avatars.background_refreshes()

    user, picture = await kept(ert, user_id)
    assert picture is not None and user.picture_key == avatars.picture_key(picture.image)
    assert (picture.source, picture.source_url) == ("ecourses", user.avatar_url)
    image = Image.open(io.BytesIO(picture.image))
    assert (image.format, image.size) == ("WEBP", (avatars.SIZE, avatars.SIZE))
    assert guarded[-1] == f"{fake.url}{PICTURE_PATH}?rev=1"  # through the fetch guard, no token
    (fetched,) = picture_fetches(fake)
    assert fetched["body_fields"] == ["token"] and fetched["query_fields"] == ["rev"]
    assert heard == [UserChanged(user_id)]
    assert await avatars.picture(user_id, user.picture_key or "") == picture.image


async def test_the_same_address_is_not_fetched_again_and_a_new_one_is(
    ert: Runtime, fake: Fake
) -> None:
    user_id = await sign_in()
    await avatars.background_refreshes()
    first, _ = await kept(ert, user_id)
    await sign_in()
    await avatars.background_refreshes()
    assert len(picture_fetches(fake)) == 1

    fake.control(user={"username": "a.ivanov", "picture_rev": 2})
    await sign_in()
    await avatars.background_refreshes()

    second, picture = await kept(ert, user_id)
    assert len(picture_fetches(fake)) == 2
    assert picture is not None and picture.source_url == second.avatar_url
    assert second.picture_key not in (None, first.picture_key)


async def test_an_unusable_picture_is_remembered_as_empty(ert: Runtime, fake: Fake) -> None:
    fake.control(picture_fault="broken")
    user_id = await sign_in()
    await avatars.background_refreshes()
    user, picture = await kept(ert, user_id)
    assert user.picture_key is None  # the initials avatar
    assert picture is not None and picture.image == b"" and picture.source_url == user.avatar_url

    await sign_in()
    await avatars.background_refreshes()
    assert len(picture_fetches(fake)) == 1  # not asked again for the same address


async def test_a_hanging_picture_never_holds_up_signing_in(
    ert: Runtime, fake: Fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.control(picture_fault="slow", delay=60)
    released = asyncio.Event()
    real_fetch = fetch_guard.fetch

    async def held(url: str, **options: object) -> fetch_guard.FetchResult:
        if "pluginfile" in url:
            await released.wait()
        return await real_fetch(url, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(fetch_guard, "fetch", held)
    user_id = await sign_in()  # returns while the picture has not even been asked for
    assert avatars._refreshes and not released.is_set()

    released.set()
    await avatars.background_refreshes()  # the slow answer is given up on at eCourses' timeout
    user, picture = await kept(ert, user_id)
    assert user.picture_key is None and picture is None  # tried again at the next sign-in


async def test_an_uploaded_picture_wins_over_the_ecourses_one(ert: Runtime, fake: Fake) -> None:
    user_id = await sign_in()
    await avatars.background_refreshes()
    view = await accounts.get_user(user_id)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "green").save(buffer, "PNG")
    uploaded = await avatars.upload_picture(buffer.getvalue(), actor=view)

    fake.control(user={"username": "a.ivanov", "picture_rev": 5})
    await sign_in()
    await avatars.background_refreshes()

    user, picture = await kept(ert, user_id)
    assert user.picture_key == uploaded.picture_key
    assert picture is not None and picture.source == "upload"


async def test_removing_an_ecourses_picture_keeps_it_away_until_ecourses_has_a_new_one(
    ert: Runtime, fake: Fake
) -> None:
    user_id = await sign_in()
    await avatars.background_refreshes()
    removed = await avatars.remove_picture(actor=await accounts.get_user(user_id))
    assert removed.picture_key is None
    await sign_in()
    await avatars.background_refreshes()
    assert (await kept(ert, user_id))[0].picture_key is None
    assert len(picture_fetches(fake)) == 1

    fake.control(user={"username": "a.ivanov", "picture_rev": 9})
    await sign_in()
    await avatars.background_refreshes()
    assert (await kept(ert, user_id))[0].picture_key is not None


async def test_a_local_account_without_ecourses_fetches_nothing(ert: Runtime, fake: Fake) -> None:
    local = await factories.make_user(ert, "local")
    await avatars.refresh_ecourses_picture(local.id)
    async with ert.db.read_session() as session:
        assert await session.scalar(select(UserPicture)) is None
    assert picture_fetches(fake) == []
