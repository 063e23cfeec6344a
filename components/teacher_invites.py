"""A subject's teachers and the invite links that make a teacher one (for workspace admins)."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _
from components.live import Changes, coalesced
from components.notices import attempt, succeeds
from equeue_ui.events import InvitesChanged, SubjectChanged
from equeue_ui.formatting import date_time
from equeue_ui.services import subjects, teaching
from equeue_ui.services.views import UserView


async def teacher_invites(subject_id: int, *, user: UserView, base_url: str) -> None:
    # Another admin's new or revoked link, or a teacher who accepted one, shows here at once
    # (subscribed before the first read, so nothing in between is missed).
    changes = (
        Changes()
        .on(InvitesChanged, lambda e: e.subject_id == subject_id)
        .on(SubjectChanged, lambda e: e.subject_id == subject_id)
    )

    # One redraw at a time: this page's own change and its InvitesChanged event would otherwise
    # redraw the list twice at once, doubling it.
    async def redraw() -> None:
        await listing.refresh()

    refresh = coalesced(redraw)

    @ui.refreshable
    async def listing() -> None:
        teachers = await attempt(subjects.list_teachers(subject_id, actor=user)) or []
        for teacher in teachers:
            with ui.row().classes("items-center gap-2"):
                ui.icon("school").classes("eq-muted")
                ui.label(teacher.display_name).mark("subject-teacher")
        invites = await attempt(teaching.list_invites(subject_id, actor=user)) or []
        for invite in invites:
            if not invite.active:
                continue
            with ui.row().classes("w-full items-center gap-2 no-wrap").mark("teacher-invite"):
                ui.label(_("Invite valid until {when}", when=date_time(invite.expires_at))).classes(
                    "grow text-sm"
                )

                # The revocation's InvitesChanged redraws the list (``changes``): calling the
                # refresh from here would make the list and its refresh hold each other, and
                # keep the closed page in a cycle for the garbage collector.
                async def revoke(invite_id: int = invite.id) -> None:
                    await succeeds(teaching.revoke_invite(invite_id, actor=user))

                ui.button(_("Revoke"), on_click=revoke).props("flat dense color=negative").mark(
                    "revoke-invite"
                )

    async def create() -> None:
        made = await attempt(teaching.create_invite(subject_id, actor=user))
        if made is None:
            return
        link.set_text(f"{base_url.rstrip('/')}/invites/teacher/{made.token}")
        link.classes(remove="hidden")
        await refresh()

    with ui.expansion(_("Teachers"), icon="school").classes("w-full").mark("teachers"):
        ui.label(
            _("Send a teacher this link: opening it makes them a teacher of the subject.")
        ).classes("text-xs eq-muted")
        ui.button(_("Make an invite link"), icon="link", on_click=create).props("outline").mark(
            "make-invite"
        )
        link = ui.label("").classes("hidden break-all font-mono text-sm").mark("new-invite")
        await listing()
    changes.refresh_with(refresh)
