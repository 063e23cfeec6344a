"""Site administration (issue 6): settings applied without restart, the audit log, status."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from db.models import AuditLog
from db.types import utcnow
from equeue_ui import pg_events
from equeue_ui.errors import ForbiddenError, InvalidError
from equeue_ui.events import GroupsChanged, SiteSettingsChanged, UserChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, audit_log, groups, site, status, subjects
from equeue_ui.services.site import DEFAULTS
from tests.services import factories

# --- settings ---------------------------------------------------------------------------------


async def test_settings_show_the_defaults_and_the_process_fallbacks(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)

    shown = await site.get_site_settings(actor=root)

    assert (shown.registration_enabled, shown.board_full_names) == (True, False)
    assert (shown.default_language, shown.ecourses_url, shown.ecourses_service) == (None,) * 3
    assert shown.process_default_language == rt.settings.default_language
    assert shown.process_ecourses_service == "moodle_mobile_app"


async def test_a_change_applies_at_once_is_audited_and_announced(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)
    heard: list[SiteSettingsChanged] = []
    rt.bus.subscribe(SiteSettingsChanged, heard.append)

    shown = await site.update_site_settings(
        actor=root,
        registration_enabled=False,
        default_language="en",
        ecourses_url=" https://e.sfu-kras.ru/ ",
        ecourses_service="moodle_mobile_app",
    )

    assert shown.ecourses_url == "https://e.sfu-kras.ru"
    assert not await site.is_registration_open()
    assert await site.default_language() == "en"
    assert (await site.ecourses_config()).base_url == "https://e.sfu-kras.ru"
    with pytest.raises(ForbiddenError, match="Registration is switched off"):
        await accounts.register("newbie", "long-enough-1")
    assert heard == [SiteSettingsChanged()]
    page = await audit_log.list_entries(actor=root)
    assert [(e.actor, e.action) for e in page.entries] == [("root", "site.settings")]
    assert "registration_enabled" in page.entries[0].target


async def test_an_unchanged_value_writes_no_audit_entry_and_no_event(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)
    heard: list[SiteSettingsChanged] = []
    rt.bus.subscribe(SiteSettingsChanged, heard.append)

    await site.update_site_settings(actor=root, registration_enabled=True)

    assert heard == []
    assert (await audit_log.list_entries(actor=root)).total == 0


async def test_clearing_a_value_falls_back_to_the_process_setting(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)
    await site.update_site_settings(actor=root, default_language="en")

    await site.update_site_settings(actor=root, default_language=None)

    assert await site.default_language() == rt.settings.default_language


@pytest.mark.parametrize(
    "change",
    [
        {"ecourses_url": "ftp://e.sfu-kras.ru"},
        {"ecourses_url": "https://"},
        {"ecourses_url": "e.sfu-kras.ru"},
        {"ecourses_service": "moodle mobile app"},
        {"ecourses_service": "x" * 101},
        {"default_language": "de"},
        {"no_such_setting": 1},
    ],
)
async def test_bad_values_are_refused_and_nothing_is_written(
    rt: Runtime, change: dict[str, object]
) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)

    with pytest.raises(InvalidError):
        await site.update_site_settings(actor=root, registration_enabled=False, **change)

    assert await site.is_registration_open()
    assert (await audit_log.list_entries(actor=root)).total == 0


async def test_only_site_admins_see_or_change_settings(rt: Runtime) -> None:
    world = await factories.make_world(rt)
    for actor in (world.admin, world.teacher, world.member):
        with pytest.raises(ForbiddenError):
            await site.get_site_settings(actor=actor)
        with pytest.raises(ForbiddenError):
            await site.update_site_settings(actor=actor, registration_enabled=False)
    assert await site.is_registration_open()
    assert set(DEFAULTS) >= {"registration_enabled", "default_language", "ecourses_url"}


# --- the audit log ----------------------------------------------------------------------------


async def test_the_audit_log_filters_by_actor_action_and_date_newest_first(rt: Runtime) -> None:
    world = await factories.make_world(rt)
    other = await factories.make_user(rt, "second", site_admin=True)
    await groups.create_group("А-1", actor=world.site_admin)
    await accounts.set_roles(world.member.id, actor=other, teacher=True)
    await accounts.set_blocked(world.outsider.id, True, actor=world.site_admin)
    async with rt.db.write_session() as session:  # the group was made a week ago
        await session.execute(
            update(AuditLog)
            .where(AuditLog.action == "group.create")
            .values(at=utcnow() - timedelta(days=7))
        )
        await session.commit()
    root = world.site_admin

    everything = await audit_log.list_entries(actor=root)
    by_second = await audit_log.list_entries(actor=root, username="SECOND")
    blocks = await audit_log.list_entries(actor=root, action="user.block")
    today = everything.entries[0].at.date()
    recent = await audit_log.list_entries(actor=root, since=today - timedelta(days=1))
    older = await audit_log.list_entries(actor=root, until=today - timedelta(days=2))
    paged = await audit_log.list_entries(actor=root, offset=1, limit=1)

    assert [e.action for e in everything.entries] == ["user.block", "user.roles", "group.create"]
    assert [e.actor for e in by_second.entries] == ["second"]
    assert [e.target for e in blocks.entries] == ["outsider"]
    assert [e.action for e in recent.entries] == ["user.block", "user.roles"]
    assert [e.action for e in older.entries] == ["group.create"]
    assert (paged.total, [e.action for e in paged.entries]) == (3, ["user.roles"])
    assert await audit_log.list_actions(actor=root) == ["group.create", "user.block", "user.roles"]


async def test_the_audit_log_is_for_site_admins_only_and_checks_the_dates(rt: Runtime) -> None:
    world = await factories.make_world(rt)
    with pytest.raises(ForbiddenError):
        await audit_log.list_entries(actor=world.admin)
    with pytest.raises(ForbiddenError):
        await audit_log.list_actions(actor=world.teacher)
    with pytest.raises(InvalidError):
        await audit_log.list_entries(
            actor=world.site_admin, since=date(2026, 2, 1), until=date(2026, 1, 1)
        )


# --- status -----------------------------------------------------------------------------------


async def test_status_reports_the_database_schema_version_and_counts(rt: Runtime) -> None:
    world = await factories.make_world(rt)

    shown = await status.site_status(actor=world.site_admin)

    assert shown.database_ok and shown.latency_ms is not None
    assert shown.dialect == rt.db.dialect
    assert shown.schema_up_to_date and shown.schema_head
    assert shown.version
    assert (shown.users, shown.groups, shown.workspaces) == (7, 2, 1)
    with pytest.raises(ForbiddenError):
        await status.site_status(actor=world.admin)


# --- events reach the other app processes ----------------------------------------------------


@pytest.mark.parametrize(
    "event", [SiteSettingsChanged(), GroupsChanged(3), GroupsChanged(None), UserChanged(5)]
)
def test_admin_events_travel_between_processes(event: object) -> None:
    [payload] = pg_events.encode([event], origin="other")
    assert pg_events.decode(payload) == ("other", [event])


async def test_role_and_block_changes_are_announced(rt: Runtime) -> None:
    world = await factories.make_world(rt)
    heard: list[UserChanged] = []
    rt.bus.subscribe(UserChanged, heard.append)

    await accounts.set_roles(world.member.id, actor=world.site_admin, teacher=True)
    await accounts.set_blocked(world.member.id, True, actor=world.site_admin)

    assert heard == [UserChanged(world.member.id)] * 2


async def test_assigning_a_teacher_is_audited(rt: Runtime) -> None:
    world = await factories.make_world(rt)
    subject = await subjects.create_subject(world.workspace_id, actor=world.admin, name="ОС")

    await subjects.assign_teacher(subject.id, world.teacher.id, actor=world.site_admin)

    page = await audit_log.list_entries(actor=world.site_admin, action="subject.teacher.assign")
    assert [(e.actor, e.target) for e in page.entries] == [("root", "ОС")]
