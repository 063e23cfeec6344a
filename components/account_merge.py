"""Dialogs that merge two accounts of one person (services/account_merge.py): offered when
eCourses is linked to an account while it has one of its own, and in the site admin's Users."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from components.a11y import labelled
from components.i18n import _, _n, language
from components.notices import attempt
from equeue_ui.services import account_merge, accounts
from equeue_ui.services.account_merge import MergeSummary
from equeue_ui.services.ecourses_accounts import EcoursesAccountTaken
from equeue_ui.services.views import UserView


def offer_ecourses_merge(
    taken: EcoursesAccountTaken, *, merge: Callable[[bool], Awaitable[bool]]
) -> None:
    """Ask whether to move the eCourses-made account into the signed-in one; ``merge(names)``
    does it (``names``: take the eCourses names too) and says whether it went through."""
    # In the page's layout: the panel or list it was opened from may be redrawn meanwhile.
    with (
        ui.context.client.layout,
        ui.dialog() as dialog,
        ui.card().classes("max-w-md gap-3").mark("ecourses-merge"),
    ):
        question = _("Move that account into yours?")
        ui.label(question).classes("text-h6")
        ui.label(taken.render(language()))
        _what_moves(taken.summary)
        names = ui.checkbox(_("Also take my names from eCourses"), value=False).mark(
            "merge-take-names"
        )

        async def confirm() -> None:
            button.disable()
            if await merge(bool(names.value)):
                dialog.close()
            else:
                button.enable()

        with ui.row().classes("w-full justify-end gap-2"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat").mark("merge-cancel")
            button = ui.button(_("Move into my account"), on_click=confirm).mark("merge-confirm")
    labelled(dialog, question)
    dialog.on("hide", dialog.delete)  # made anew each time it is opened
    dialog.open()


def merge_into_dialog(
    source: UserView, *, actor: UserView, merged: Callable[[], Awaitable[None]]
) -> None:
    """Site admins: find the account to keep, see what moves, confirm."""
    with (
        ui.context.client.layout,
        ui.dialog() as dialog,
        ui.card().classes("w-full max-w-md gap-3").mark("admin-merge"),
    ):
        title = _("Merge @{username} into another account", username=source.username)
        ui.label(title).classes("text-h6 break-words")
        ui.label(
            _(
                "Everything of this account moves into the one you choose, and this account is "
                "deleted. The account you choose keeps its names and password."
            )
        ).classes("text-sm eq-muted")
        target = (
            ui.input(_("Username of the account to keep")).classes("w-full").mark("merge-target")
        )
        summary = ui.column().classes("w-full gap-1")
        chosen: list[MergeSummary] = []

        async def look_up() -> None:
            chosen.clear()
            summary.clear()
            button.disable()
            found = await accounts.find_user(target.value or "")
            if found is None:
                with summary:
                    ui.label(_("No account has this username.")).classes("eq-muted")
                return
            preview = await attempt(account_merge.merge_summary(source.id, found.id, actor=actor))
            if preview is None:
                return
            chosen.append(preview)
            with summary:
                ui.label(
                    _(
                        "Into: {name} (@{username})",
                        name=found.display_name,
                        username=found.username,
                    )
                ).classes("font-medium")
                _what_moves(preview)
            button.enable()

        async def confirm() -> None:
            if not chosen:
                return
            button.disable()
            done = await attempt(
                account_merge.merge_accounts(source.id, chosen[0].target.id, actor=actor),
                success=_("The accounts were merged."),
            )
            if done is None:
                button.enable()
                return
            dialog.close()
            await merged()

        target.on("keydown.enter", look_up)
        with ui.row().classes("w-full justify-end gap-2"):
            ui.button(_("Find"), on_click=look_up).props("flat").mark("merge-find")
            ui.button(_("Cancel"), on_click=dialog.close).props("flat").mark("merge-cancel")
            button = (
                ui.button(_("Merge"), on_click=confirm)
                .props("color=negative")
                .mark("merge-confirm")
            )
            button.disable()
    labelled(dialog, title)
    dialog.on("hide", dialog.delete)  # made anew each time it is opened
    dialog.open()


def _what_moves(summary: MergeSummary) -> None:
    with ui.column().classes("gap-0 text-sm").mark("merge-summary"):
        ui.label(_n("Workspaces: {n}", "Workspaces: {n}", summary.workspaces))
        ui.label(_n("Hand-ins: {n}", "Hand-ins: {n}", summary.hand_ins))
        ui.label(_n("Places in queues: {n}", "Places in queues: {n}", summary.queue_places))
