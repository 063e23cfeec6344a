"""A workspace's subjects for its admins: create, edit, delete, and a way to their settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from components.a11y import labelled
from components.i18n import _
from components.notices import attempt, succeeds
from equeue_ui.services import subjects
from equeue_ui.services.views import SubjectView, UserView


def subject_admin(workspace_id: int, items: list[SubjectView], *, user: UserView) -> None:
    """The list redraws itself from ``SubjectChanged``, for this admin and every other one."""
    ui.button(
        _("New subject"), icon="add", on_click=lambda: _edit_dialog(workspace_id, None, user=user)
    ).mark("new-subject")
    with ui.column().classes("w-full gap-2").mark("subject-admin"):
        if not items:
            ui.label(_("No subjects yet.")).classes("eq-muted")
        for subject in items:
            _subject_row(subject, user=user)


def _subject_row(subject: SubjectView, *, user: UserView) -> None:
    with ui.card().classes("w-full gap-1").mark("subject-row", f"subject-row-{subject.id}"):
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            ui.link(subject.name, f"/subjects/{subject.id}").classes(
                "text-lg font-medium grow min-w-0 truncate"
            ).mark("subject-row-name")
            labelled(
                ui.button(
                    icon="tune",
                    on_click=lambda: ui.navigate.to(f"/subjects/{subject.id}/settings"),
                ),
                _("Subject settings"),
            ).props("flat dense round").mark("subject-settings-link").tooltip(
                _("Tasks, queue and teachers")
            )
            labelled(
                ui.button(
                    icon="edit",
                    on_click=lambda: _edit_dialog(subject.workspace_id, subject, user=user),
                ),
                _("Edit"),
            ).props("flat dense round").mark("edit-subject")
            labelled(
                ui.button(icon="delete", on_click=lambda: _confirm_delete(subject, user=user)),
                _("Delete"),
            ).props("flat dense round color=negative").mark("delete-subject")
        details = " · ".join(p for p in (subject.teacher_name, subject.teacher_contact) if p)
        if details:
            ui.label(details).classes("text-sm eq-muted")


def _edit_dialog(workspace_id: int, subject: SubjectView | None, *, user: UserView) -> None:
    """One dialog for a new subject (``subject`` None) and for editing one; nothing is saved
    until "Save", and a refusal keeps the dialog open with what was typed."""
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-lg gap-2").mark("subject-form"):
        ui.label(_("Edit the subject") if subject else _("New subject")).classes("text-h6")
        name = _field(_("Name"), subject.name if subject else "", "subject-name-input")
        teacher = _field(_("Teacher"), subject.teacher_name if subject else "", "subject-teacher")
        contact = _field(
            _("Teacher's contact (e-mail, room, hours)"),
            subject.teacher_contact if subject else "",
            "subject-contact",
        )
        link = _field(
            _("eCourses link"), (subject.ecourses_url or "") if subject else "", "subject-ecourses"
        )
        requirements = (
            ui.textarea(_("Requirements (Markdown)"), value=subject.requirements if subject else "")
            .props("autogrow")
            .classes("w-full")
            .mark("subject-requirements")
        )

        async def save() -> None:
            texts = (
                name.value or "",
                teacher.value or "",
                contact.value or "",
                requirements.value or "",
            )
            action: Awaitable[SubjectView]
            if subject is None:
                action = subjects.create_subject(
                    workspace_id,
                    actor=user,
                    name=texts[0],
                    teacher_name=texts[1],
                    teacher_contact=texts[2],
                    requirements=texts[3],
                    ecourses_url=link.value or None,
                )
            else:
                action = subjects.update_subject(
                    subject.id,
                    actor=user,
                    name=texts[0],
                    teacher_name=texts[1],
                    teacher_contact=texts[2],
                    requirements=texts[3],
                    ecourses_url=link.value or None,
                )
            if await attempt(action, success=_("Saved.")) is not None:
                dialog.close()

        _buttons(dialog.close, save, "save-subject")
    dialog.open()


def _confirm_delete(subject: SubjectView, *, user: UserView) -> None:
    with ui.dialog() as dialog, ui.card().classes("gap-3").mark("confirm-subject-delete"):
        ui.label(
            _(
                "Delete {name} with its tasks, queue and handed-in marks? This cannot be undone.",
                name=subject.name,
            )
        )

        async def delete() -> None:
            if await succeeds(subjects.delete_subject(subject.id, actor=user)):
                dialog.close()

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Delete"), on_click=delete).props("color=negative").mark(
                "confirm-delete-subject"
            )
    dialog.open()


def _field(label: str, value: str, marker: str) -> ui.input:
    return ui.input(label, value=value).classes("w-full").mark(marker)


def _buttons(
    cancel: Callable[[], object], save: Callable[[], Awaitable[None]], marker: str
) -> None:
    with ui.row().classes("w-full justify-end"):
        ui.button(_("Cancel"), on_click=cancel).props("flat")
        ui.button(_("Save"), on_click=save).mark(marker)
