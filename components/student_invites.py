"""A workspace's student invite links (for its admins): opening one joins the workspace at once."""

from __future__ import annotations

from nicegui import ui

from components.a11y import labelled
from components.i18n import _, _n
from components.notices import attempt, succeeds
from equeue_ui.formatting import date_time
from equeue_ui.services import student_invites
from equeue_ui.services.student_invites import StudentInviteView
from equeue_ui.services.views import UserView


def invite_maker(workspace_id: int, *, user: UserView, base_url: str) -> None:
    """Make a link; the secret is shown once, here, right after it was made."""

    async def create() -> None:
        made = await attempt(
            student_invites.create_invite(workspace_id, actor=user, days=int(days.value))
        )
        if made is None:
            return
        link.set_text(f"{base_url.rstrip('/')}/invites/workspace/{made.token}")
        shown.classes(remove="hidden")

    ui.label(
        _(
            "Anyone who opens such a link while signed in joins the workspace at once, without "
            "a request — even from another group. Revoke it when the group has joined."
        )
    ).classes("text-sm eq-muted")
    with ui.row().classes("w-full items-center gap-2"):
        days = (
            ui.select(
                {
                    n: _n("Works for {n} day", "Works for {n} days", n)
                    for n in student_invites.LIFETIME_DAYS
                },
                value=7,
            )
            .classes("min-w-[12rem]")
            .mark("invite-lifetime")
        )
        ui.button(_("Make an invite link"), icon="link", on_click=create).props("outline").mark(
            "make-student-invite"
        )
    with ui.row().classes("hidden w-full items-center gap-2 no-wrap") as shown:
        link = ui.label("").classes("grow break-all font-mono text-sm").mark("new-student-invite")

        async def copy() -> None:
            ui.clipboard.write(link.text)
            ui.notify(_("Copied."), type="positive")

        labelled(ui.button(icon="content_copy", on_click=copy), _("Copy")).props(
            "flat dense round"
        ).mark("copy-student-invite")


def invite_list(invites: list[StudentInviteView], *, user: UserView) -> None:
    """The links that still work; the list redraws itself from ``InvitesChanged``."""
    with ui.column().classes("w-full gap-1").mark("student-invites"):
        if not invites:
            ui.label(_("No working invite links.")).classes("eq-muted")
        for invite in invites:
            with ui.row().classes("w-full items-center gap-2 no-wrap").mark("student-invite"):
                ui.icon("link").classes("eq-muted")
                ui.label(
                    _(
                        "Made {made}, works until {until}",
                        made=date_time(invite.created_at),
                        until=date_time(invite.expires_at),
                    )
                ).classes("grow text-sm")

                async def revoke(invite_id: int = invite.id) -> None:
                    await succeeds(student_invites.revoke_invite(invite_id, actor=user))

                ui.button(_("Revoke"), on_click=revoke).props("flat dense color=negative").mark(
                    "revoke-student-invite"
                )
