"""Importing groups from a timetable URL or an uploaded list, previewed before any write."""

from __future__ import annotations

from collections.abc import Awaitable

from nicegui import ui
from nicegui.events import UploadEventArguments

from components.i18n import _, _n, render
from components.notices import attempt
from equeue_ui.services import group_import as service
from equeue_ui.services.group_import import ImportPreview
from equeue_ui.services.views import UserView

SHOWN_REJECTED = 20


async def group_import(*, actor: UserView) -> None:
    """An expansion with the two sources and, once a list is read, its preview."""
    GroupImport(actor)


class GroupImport:
    """The two sources (a timetable address, an uploaded file) and the preview of the names
    read from either; nothing is written until the admin confirms the preview."""

    def __init__(self, actor: UserView) -> None:
        self.actor = actor
        with ui.expansion(_("Import groups"), icon="upload").classes("w-full").mark("group-import"):
            ui.label(
                _(
                    'A timetable address answering with a JSON array of objects with a "name" '
                    "field, or a file: .json in that format, .csv (first column) or .txt "
                    "(one name a line)."
                )
            ).classes("text-sm eq-muted")
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                self.url = (
                    ui.input(
                        _("Timetable address"),
                        placeholder="https://edu.sfu-kras.ru/api/timetable/groups",
                    )
                    .classes("grow")
                    .mark("import-url")
                )
                self.fetch = (
                    ui.button(_("Load"), on_click=self._from_url)
                    .props("unelevated")
                    .mark("import-fetch")
                )
            self.upload = (
                ui.upload(
                    label=_("Or upload a file"),
                    auto_upload=True,
                    max_file_size=service.MAX_BYTES,
                    on_upload=self._from_file,
                    on_rejected=_too_large,
                )
                .props('accept=".txt,.csv,.json,text/plain,text/csv,application/json"')
                .classes("w-full")
                .mark("import-file")
            )
        self.preview_box = ui.column().classes("w-full")

    # --- reading a list ------------------------------------------------------------------------

    async def _from_url(self) -> None:
        address = (self.url.value or "").strip()
        self.fetch.props("loading")
        try:
            await self._read(service.fetch_group_list(address, actor=self.actor), address)
        finally:
            self.fetch.props(remove="loading")

    async def _from_file(self, event: UploadEventArguments) -> None:
        data = await event.file.read()
        name = event.file.name

        async def parse() -> list[str]:
            return service.parse_group_list(data, filename=name)

        await self._read(parse(), name)
        self.upload.reset()

    async def _read(self, names: Awaitable[list[str]], source: str) -> None:
        self.preview_box.clear()
        found = await attempt(names)
        if found is None:
            return
        preview = await attempt(service.preview_import(found, actor=self.actor))
        if preview is None:
            return
        with self.preview_box:
            self._preview(preview, found, source)

    # --- the preview and the import ------------------------------------------------------------

    def _preview(self, preview: ImportPreview, names: list[str], source: str) -> None:
        async def write() -> None:
            await self._write(names, source)

        with (
            ui.card()
            .props("bordered")
            .classes("w-full gap-1")
            .style("border-color: var(--q-primary)")  # the preview stands out from the form
            .mark("import-preview")
        ):
            ui.label(_("Preview: nothing is written yet")).classes("font-medium")
            ui.label(_counts(preview)).mark("import-counts")
            _rejected(preview)
            if preview.sample:
                ui.label(_("New groups, for example:")).classes("text-sm pt-2")
                ui.label(", ".join(preview.sample)).classes("text-sm break-all").mark(
                    "import-sample"
                )
            with ui.row().classes("w-full justify-end pt-2"):
                ui.button(_("Cancel"), on_click=self.preview_box.clear).props("flat").mark(
                    "cancel-import"
                )
                ui.button(
                    _n("Import {n} new group", "Import {n} new groups", len(preview.new_names)),
                    on_click=write,
                ).props("unelevated").set_enabled(bool(preview.new_names)).mark("confirm-import")

    async def _write(self, names: list[str], source: str) -> None:
        result = await attempt(service.import_groups(names, actor=self.actor, source=source))
        if result is None:
            return
        ui.notify(
            _(
                "Groups added: {created}; already existed: {existing}.",
                created=result.created,
                existing=result.existing,
            ),
            type="positive",
            position="top",
        )
        self.preview_box.clear()  # last: it deletes the button this handler runs in


def _counts(preview: ImportPreview) -> str:
    return _(
        "Names read: {read}. New: {new}, already exist: {existing}, "
        "repeated: {duplicates}, invalid: {rejected}.",
        read=preview.read,
        new=len(preview.new_names),
        existing=preview.existing,
        duplicates=preview.duplicates,
        rejected=len(preview.rejected),
    )


def _rejected(preview: ImportPreview) -> None:
    """The first invalid names with the reason for each, and how many more there are."""
    if not preview.rejected:
        return
    ui.label(_("Invalid names (left out):")).classes("text-sm pt-2")
    for item in preview.rejected[:SHOWN_REJECTED]:
        ui.label(f"«{item.name}» — {render(item.reason)}").classes(
            "text-sm text-negative break-all"
        ).mark("import-rejected")
    if len(preview.rejected) > SHOWN_REJECTED:
        more = len(preview.rejected) - SHOWN_REJECTED
        ui.label(_n("…and {n} more.", "…and {n} more.", more))


def _too_large() -> None:
    ui.notify(
        _("The list is too large (at most {limit} MB).", limit=service.MAX_BYTES // 1_000_000),
        type="warning",
        position="top",
    )
