"""The profile's API tokens: make one (name, scopes, expiry), see it once and copy it, see each
token's last use, revoke it (equeue_ui/api; services/api_tokens)."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from components.a11y import labelled
from components.i18n import _, _n
from components.notices import attempt, succeeds
from equeue_ui.formatting import date_time
from equeue_ui.services import api_tokens
from equeue_ui.services.api_tokens import QUEUE, TEACH, TokenView
from equeue_ui.services.views import UserView


async def api_tokens_section(*, user: UserView) -> None:
    """The section, for the signed-in ``user``'s own tokens."""

    @ui.refreshable
    async def listing() -> None:
        tokens = await attempt(api_tokens.list_tokens(actor=user)) or []
        with ui.column().classes("w-full gap-1").mark("api-tokens"):
            if not tokens:
                ui.label(_("No tokens yet.")).classes("eq-muted")
            for token in tokens:
                _token_row(token, user=user, on_revoked=listing.refresh)

    async def create() -> None:
        scopes = [scope for scope, box in boxes.items() if box.value]
        made = await attempt(
            api_tokens.create_token(
                name.value or "", actor=user, scopes=scopes, expires_in_days=int(days.value)
            )
        )
        if made is None:
            return
        secret.set_value(made.secret)
        shown.classes(remove="hidden")
        name.set_value("")
        listing.refresh()

    with ui.column().classes("w-full gap-2").mark("api-tokens-section"):
        ui.label(_("API tokens")).classes("text-lg")
        ui.label(
            _(
                "Apps and bots you write use the eQueue API with a token, in their requests' "
                "Authorization header. A token acts as you: keep it secret."
            )
        ).classes("text-sm eq-muted")
        with ui.row().classes("w-full items-center gap-2"):
            name = (
                ui.input(_("Token name, e.g. my bot"))
                .classes("grow min-w-[14rem]")
                .mark("token-name")
            )
            days = (
                ui.select(
                    {n: _n("Lasts {n} day", "Lasts {n} days", n) for n in api_tokens.EXPIRY_DAYS},
                    value=api_tokens.EXPIRY_DAYS[0],
                )
                .classes("min-w-[10rem]")
                .mark("token-expiry")
            )
        with ui.row().classes("items-center gap-4"):
            ui.checkbox(_("Read"), value=True).props("disable").mark("token-scope-read")
            boxes = {
                QUEUE: ui.checkbox(_("Join and leave queues, mark tasks")).mark(
                    "token-scope-queue"
                ),
                TEACH: ui.checkbox(_("Teach: call, accept, return, skip")).mark(
                    "token-scope-teach"
                ),
            }
        ui.button(_("Make a token"), icon="key", on_click=create).props("outline").mark(
            "make-token"
        )
        with ui.column().classes("hidden w-full gap-1") as shown:
            ui.label(_("Copy the token now: it is not shown again.")).classes("text-warning")
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                secret = (
                    ui.input(_("New token"))
                    .props("readonly")
                    .classes("grow font-mono")
                    .mark("new-token")
                )

                async def copy() -> None:
                    ui.clipboard.write(secret.value)
                    ui.notify(_("Copied."), type="positive")

                labelled(ui.button(icon="content_copy", on_click=copy), _("Copy")).props(
                    "flat dense round"
                ).mark("copy-token")
        await listing()


def _token_row(token: TokenView, *, user: UserView, on_revoked: Callable[[], object]) -> None:
    with ui.row().classes("w-full items-center gap-2 no-wrap").mark("api-token"):
        ui.icon("key").classes("eq-muted")
        with ui.column().classes("grow gap-0"):
            ui.label(token.name).classes("truncate")
            ui.label(_state(token)).classes("text-xs eq-muted").mark("api-token-state")
        ui.label(f"{token.prefix}…").classes("font-mono text-xs eq-muted")
        if not token.active:
            return

        async def revoke() -> None:
            if await succeeds(api_tokens.revoke_token(token.id, actor=user)):
                on_revoked()

        ui.button(_("Revoke"), on_click=revoke).props("flat dense color=negative").mark(
            "revoke-token"
        )


def _state(token: TokenView) -> str:
    scopes = ", ".join(token.scopes)
    if token.revoked_at is not None:
        when = _("Revoked {when}", when=date_time(token.revoked_at))
    elif not token.active:
        when = _("Expired {when}", when=date_time(token.expires_at))
    else:
        when = _("Valid until {when}", when=date_time(token.expires_at))
    used = (
        _("last used {when}", when=date_time(token.last_used_at))
        if token.last_used_at is not None
        else _("never used")
    )
    return f"{scopes} · {when} · {used}"
