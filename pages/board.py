"""The classroom board: `/board/{token}` (a secret display link, no sign-in) and
`/queues/{id}/board` (a signed-in teacher or admin of the queue); `/q/{id}` is the short
join link the board shows."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import ui

from components import session
from components.board import board, board_changes
from components.i18n import _
from components.notices import or_refusal
from equeue_ui import runtime
from equeue_ui.services import boards, presence
from equeue_ui.services.boards import BoardInfo
from equeue_ui.services.views import UserView
from pages.guard import page_at, signed_in_page


def register() -> None:
    @page_at("/board/{token}")
    async def board_by_link(request: Request, token: str, theme: str = "") -> None:
        await session.current_user(request)  # sets the language; a board needs no user
        _theme(theme)
        ui.page_title(_("Board") + " · eQueue")
        info: BoardInfo | None = None
        changes = board_changes(lambda: info)  # before reading the board
        info = await or_refusal(boards.board_for_link(token))
        if info is not None:
            await board(
                info,
                join_url=_join_url(request, info.queue_id),
                changes=changes,
                code=lambda: boards.presence_code(token),
            )

    @signed_in_page("/queues/{queue_id}/board")
    async def board_for_operator(
        request: Request, user: UserView, queue_id: int, theme: str = ""
    ) -> Response | None:
        _theme(theme)
        ui.page_title(_("Board") + " · eQueue")
        info: BoardInfo | None = None
        changes = board_changes(lambda: info)  # before reading the board
        info = await or_refusal(boards.board_for_operator(queue_id, actor=user))
        if info is not None:
            await board(
                info,
                join_url=_join_url(request, queue_id),
                changes=changes,
                code=lambda: presence.code_for_operator(queue_id, actor=user),
            )
        return None

    @page_at("/q/{queue_id}")
    async def short_join_link(queue_id: int, code: str = "") -> Response:
        # The board's QR link brings the presence code along; the queue page fills it in.
        digits = presence.normalize(code)
        query = f"?{urlencode({'code': digits})}" if digits else ""
        return RedirectResponse(f"/queues/{queue_id}{query}", status_code=303)


def _theme(theme: str) -> None:
    ui.dark_mode({"dark": True, "light": False}.get(theme))


def _join_url(request: Request, queue_id: int) -> str:
    base = runtime.current().settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/q/{queue_id}"
