"""The queue's settings for its operators: freezing, maximum size, schedule, board names."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _
from components.notices import succeeds
from equeue_ui.formatting import from_input, to_input
from equeue_ui.services import boards, queues
from equeue_ui.services.views import QueueSnapshot, UserView


def open_settings(
    snapshot: QueueSnapshot,
    *,
    user: UserView,
    full_names: bool | None,
    board_pictures: bool = False,
) -> ui.dialog:
    """Open a dialog with the queue's settings; nothing is saved until "Save"."""
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-md gap-3").mark("queue-settings"):
        ui.label(_("Queue settings")).classes("text-h6")
        freeze = ui.switch(
            _("Students may let others go ahead (freeze)"), value=snapshot.members_can_freeze
        ).mark("setting-freeze")
        size = (
            ui.number(
                _("Maximum size (empty: no limit)"),
                value=snapshot.max_size,
                min=1,
                max=10000,
                precision=0,
            )
            .classes("w-full")
            .mark("setting-max-size")
        )
        opens = (
            ui.input(_("Opens automatically at"), value=to_input(snapshot.opens_at))
            .props("type=datetime-local stack-label clearable")
            .classes("w-full")
            .mark("setting-opens")
        )
        closes = (
            ui.input(_("Closes automatically at"), value=to_input(snapshot.closes_at))
            .props("type=datetime-local stack-label clearable")
            .classes("w-full")
            .mark("setting-closes")
        )
        names = (
            ui.select(
                {
                    "site": _("Names on the board: site default"),
                    "full": _("Full names"),
                    "short": _("First name and initial"),
                },
                value={None: "site", True: "full", False: "short"}[full_names],
            )
            .classes("w-full")
            .mark("setting-names")
        )
        pictures = ui.switch(_("Pictures on the board"), value=board_pictures).mark(
            "setting-board-pictures"
        )
        presence = ui.switch(
            _("Join only from the classroom (with the code the board shows)"),
            value=snapshot.presence_required,
        ).mark("setting-presence")
        code_minutes = (
            ui.number(
                _("The code changes every (minutes)"),
                value=snapshot.presence_window_seconds // 60,
                min=1,
                max=60,
                precision=0,
            )
            .classes("w-full")
            .mark("setting-code-minutes")
        )
        fair_start = (
            ui.number(
                _("Fair start: seconds after opening whose joins are drawn (0: off)"),
                value=snapshot.fair_start_seconds,
                min=0,
                max=600,
                precision=0,
            )
            .classes("w-full")
            .mark("setting-fair-start")
        )

        async def save() -> None:
            # The page may redraw this part live while saving (the settings changed), so the
            # notice goes to the client and the dialog may be gone already.
            client, saved_text = ui.context.client, _("Saved.")
            try:
                opens_at, closes_at = from_input(opens.value), from_input(closes.value)
            except ValueError:
                ui.notify(_("Enter the times as date and time."), type="warning")
                return
            saved = await succeeds(
                queues.update_settings(
                    snapshot.queue_id,
                    actor=user,
                    members_can_freeze=bool(freeze.value),
                    max_size=int(size.value) if size.value else None,
                    opens_at=opens_at,
                    closes_at=closes_at,
                    presence_required=bool(presence.value),
                    # An empty field is refused by the service's range check, with its message.
                    presence_window_seconds=int(code_minutes.value or 0) * 60,
                    fair_start_seconds=int(fair_start.value)
                    if fair_start.value is not None
                    else -1,
                )
            )
            full = {"site": None, "full": True, "short": False}[names.value]
            if saved and full != full_names:
                saved = await succeeds(
                    boards.set_board_names(snapshot.subject_id, full, actor=user)
                )
            if saved and bool(pictures.value) != board_pictures:
                saved = await succeeds(
                    boards.set_board_pictures(snapshot.subject_id, bool(pictures.value), actor=user)
                )
            if saved:
                with client:
                    ui.notify(saved_text, type="positive")
                if not dialog.is_deleted:
                    dialog.close()

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Save"), on_click=save).mark("save-settings")
    dialog.open()
    return dialog
