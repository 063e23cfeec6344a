"""The picture part of the profile page: the current picture, a new one, or none (initials).

The file goes to the server, which checks it by its content and re-encodes it
(services/avatars.py): the browser's size limit only spares a long upload; the server checks
the size again before reading the file.
"""

from __future__ import annotations

from nicegui import events, ui

from components.avatar import person_avatar
from components.i18n import _
from components.notices import attempt
from equeue_ui.services import avatars
from equeue_ui.services.views import UserView

# Clicks the hidden uploader's file field of the same section.
_OPEN_PICKER = (
    "(event) => event.target.closest('.eq-picture-section')"
    ".querySelector('.q-uploader input[type=file]').click()"
)


class PictureSection:
    """Shows ``user``'s picture and changes it; the part redraws itself after each change."""

    def __init__(self, user: UserView) -> None:
        self.user = user
        self.container = (
            ui.column().classes("w-full gap-2 eq-picture-section").mark("picture-section")
        )
        self.draw()

    def draw(self) -> None:
        self.container.clear()
        with self.container:
            ui.label(_("Picture")).classes("text-subtitle1 font-medium")
            with ui.row().classes("w-full items-center gap-4 no-wrap"):
                person_avatar(self.user, size="xl").mark("profile-avatar")
                with ui.column().classes("gap-1 min-w-0"):
                    ui.label(self._hint()).classes("text-sm eq-muted")
                    if self.user.picture_key:
                        ui.button(_("Remove picture"), on_click=self.remove).props(
                            "flat dense no-caps color=negative"
                        ).mark("remove-picture")
            # Quasar's uploader names neither its pick button nor its file field (and nests
            # one in the other): it stays hidden, and a plain, named button opens its picker.
            upload = (
                ui.upload(
                    auto_upload=True,
                    max_files=1,
                    max_file_size=avatars.MAX_UPLOAD_BYTES,
                    on_upload=self.upload,
                    on_rejected=self.rejected,
                )
                .props("accept=image/jpeg,image/png,image/webp,image/gif")
                .classes("hidden")
                .mark("picture-upload")
            )
            self.upload_element = upload
            with ui.row().classes("items-center gap-2"):
                choose = ui.button(_("Choose a picture"), icon="upload").props("outline no-caps")
                # In the browser, within the click: a file picker opens only for a person's act.
                choose.on("click", js_handler=_OPEN_PICKER).mark("choose-picture")
                limits = _("JPEG, PNG, WebP or GIF, up to {mb} MB", mb=avatars.MAX_UPLOAD_MB)
                ui.label(limits).classes("text-sm eq-muted")

    def _hint(self) -> str:
        if self.user.picture_key:
            return _("Others see this picture next to your name.")
        if self.user.from_ecourses:
            return _("Your eCourses picture shows here once eCourses has one for you.")
        return _("Without a picture, others see your initials.")

    async def upload(self, event: events.UploadEventArguments) -> None:
        if event.file.size() > avatars.MAX_UPLOAD_BYTES:
            self.rejected()
            return
        data = await event.file.read()
        changed = await attempt(
            avatars.upload_picture(data, actor=self.user), success=_("Picture saved.")
        )
        self.upload_element.reset()
        if changed is not None:
            self.user = changed
            self.draw()

    def rejected(self) -> None:
        ui.notify(
            _("The picture is larger than {mb} MB.", mb=avatars.MAX_UPLOAD_MB),
            type="warning",
            position="top",
        )

    async def remove(self) -> None:
        changed = await attempt(
            avatars.remove_picture(actor=self.user), success=_("Picture removed.")
        )
        if changed is not None:
            self.user = changed
            self.draw()


def picture_section(user: UserView) -> None:
    """The profile page's picture part for the signed-in ``user``."""
    PictureSection(user)
