"""Linking an eCourses account that signed in by itself before: no dead end, a merge after the
eCourses password (issue 15, points 2 and 3), on SQLite and PostgreSQL against the fake."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from db.models import User
from equeue_ui.ecourses import errors
from equeue_ui.ecourses.fake.data import DEMO_PASSWORD
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, ecourses_accounts
from equeue_ui.services.ecourses_accounts import EcoursesAccountTaken
from tests.ecourses.conftest import Fake
from tests.services import factories

BINDING = "this-browser"


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


async def ecourses_made_account(rt: Runtime, workspace_id: int) -> int:
    """a.smirnova signs in with eCourses first (an account is made) and joins a workspace."""
    ticket = await ecourses_accounts.sign_in_with_ecourses(
        "a.smirnova", DEMO_PASSWORD, binding=BINDING
    )
    made = (await accounts.redeem_ticket(ticket, binding=BINDING)).user
    await factories.add_member(rt, workspace_id, made)
    return made.id


async def stored(rt: Runtime, user_id: int) -> User | None:
    async with rt.db.read_session() as session:
        return await session.get(User, user_id)


async def test_linking_an_account_that_signed_in_by_itself_offers_a_merge_instead_of_a_dead_end(
    ert: Runtime, fake: Fake
) -> None:
    group = await factories.make_group(ert)
    leader = await factories.make_user(ert, "leader", first_name="Аня", last_name="Лидер")
    workspace = await factories.make_workspace(ert, group, leader)
    other = await factories.make_workspace(ert, group, leader, name="Второе")
    made = await ecourses_made_account(ert, other)

    with pytest.raises(EcoursesAccountTaken) as offered:
        await ecourses_accounts.connect_ecourses("a.smirnova", DEMO_PASSWORD, actor=leader)
    assert offered.value.summary.source.username == "a.smirnova@ecourses"
    assert offered.value.summary.workspaces == 1
    assert "a.smirnova@ecourses" in offered.value.render("en")
    assert await stored(ert, made) is not None  # asking changed nothing

    linked = await ecourses_accounts.connect_ecourses(
        "a.smirnova", DEMO_PASSWORD, actor=leader, merge=True
    )

    assert linked.id == leader.id and linked.from_ecourses
    assert (linked.first_name, linked.last_name) == ("Аня", "Лидер")  # not renamed
    assert await stored(ert, made) is None
    ticket = await ecourses_accounts.sign_in_with_ecourses(
        "a.smirnova", DEMO_PASSWORD, binding=BINDING
    )
    assert (await accounts.redeem_ticket(ticket, binding=BINDING)).user.id == leader.id
    assert workspace != other


async def test_the_user_may_choose_to_take_the_ecourses_names(ert: Runtime, fake: Fake) -> None:
    leader = await factories.make_user(ert, "leader", first_name="Аня", last_name="Лидер")

    linked = await ecourses_accounts.connect_ecourses(
        "a.smirnova", DEMO_PASSWORD, actor=leader, take_names=True
    )

    assert (linked.first_name, linked.last_name) == ("Анна", "Смирнова")


async def test_a_linked_local_account_keeps_its_names_when_signing_in_with_ecourses(
    ert: Runtime, fake: Fake
) -> None:
    local = await accounts.register(
        "leader", "long-enough-1", first_name="Аня", last_name="Лидер", enforce_setting=False
    )
    await ecourses_accounts.connect_ecourses("a.smirnova", DEMO_PASSWORD, actor=local)

    await ecourses_accounts.sign_in_with_ecourses("a.smirnova", DEMO_PASSWORD, binding=BINDING)

    kept = await stored(ert, local.id)
    assert kept is not None and (kept.first_name, kept.last_name) == ("Аня", "Лидер")


async def test_an_account_made_by_ecourses_keeps_following_ecourses_names(
    ert: Runtime, fake: Fake
) -> None:
    await ecourses_accounts.sign_in_with_ecourses("a.smirnova", DEMO_PASSWORD, binding=BINDING)
    async with ert.db.write_session() as session:
        made = await session.scalar(select(User).where(User.username == "a.smirnova@ecourses"))
        assert made is not None
        made.first_name = "Старое"
        await session.commit()

    await ecourses_accounts.sign_in_with_ecourses("a.smirnova", DEMO_PASSWORD, binding=BINDING)

    again = await stored(ert, made.id)
    assert again is not None and again.first_name == "Анна"


async def test_a_wrong_ecourses_password_merges_nothing(ert: Runtime, fake: Fake) -> None:
    group = await factories.make_group(ert)
    leader = await factories.make_user(ert, "leader")
    made = await ecourses_made_account(ert, await factories.make_workspace(ert, group, leader))

    with pytest.raises(errors.EcoursesInvalidLogin):
        await ecourses_accounts.connect_ecourses("a.smirnova", "wrong", actor=leader, merge=True)

    assert await stored(ert, made) is not None
