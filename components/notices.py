"""Turning service outcomes into visible notices: never a stack trace on screen."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

from nicegui import ui

from components.i18n import _, language
from equeue_ui.errors import DomainError, NotFoundError

T = TypeVar("T")
log = logging.getLogger(__name__)


async def attempt(action: Awaitable[T], *, success: str | None = None) -> T | None:
    """Await a service call; show its refusal as a notice and return None instead of raising.

    The notice goes to the client, not to the clicked element's slot: a live update may have
    redrawn (and so deleted) the button while the service was working.
    """
    client = ui.context.client
    reader_language = language()
    try:
        result = await action
    except DomainError as error:
        with client:
            ui.notify(
                error.render(reader_language), type="warning", position="top", multi_line=True
            )
        return None
    except Exception:
        log.exception("unexpected failure in a UI action")
        with client:
            ui.notify(_("Something went wrong. Please try again."), type="negative", position="top")
        return None
    if success:
        with client:
            ui.notify(success, type="positive", position="top")
    return result


async def succeeds(action: Awaitable[object], *, success: str | None = None) -> bool:
    """Like :func:`attempt`, for services that return nothing: whether the action went through."""
    done = False

    async def run() -> bool:
        nonlocal done
        await action
        done = True
        return True

    await attempt(run(), success=success)
    return done


async def or_refusal(action: Awaitable[T]) -> T | None:
    """Await a read for a page; when it is refused, show why in place of the page's content.

    A page of something that does not exist answers HTTP 404 (NiceGUI sends the page with the
    client's status code), so crawlers, monitors and tests tell it from a page that works."""
    try:
        return await action
    except DomainError as error:
        if isinstance(error, NotFoundError):
            ui.context.client.status_code = 404
        refusal(error.render(language()))
        return None


def refusal(text: str) -> None:
    with ui.card().classes("w-full items-center text-center gap-2 py-8").mark("refusal"):
        ui.icon("block", size="xl").classes("eq-muted")
        ui.label(text).classes("text-lg")
        ui.link(_("Back to the start page"), "/")
