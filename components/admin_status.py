"""System status for site admins: database, schema, version, connected clients, uptime."""

from __future__ import annotations

from nicegui import Client, ui

from components.i18n import _
from components.notices import attempt, or_refusal
from equeue_ui.services import status
from equeue_ui.services.status import StatusView
from equeue_ui.services.views import UserView


async def status_admin(*, actor: UserView) -> None:
    shown = await or_refusal(status.site_status(actor=actor))
    if shown is None:
        return
    container = ui.column().classes("w-full gap-2")

    def draw(view: StatusView) -> None:
        container.clear()
        with container:
            _table(view)

    async def refresh() -> None:
        fresh = await attempt(status.site_status(actor=actor))
        if fresh is not None:
            draw(fresh)

    draw(shown)
    ui.button(_("Refresh"), icon="refresh", on_click=refresh).props("flat").mark("refresh-status")


def _table(view: StatusView) -> None:
    database = (
        _("OK, {ms:.1f} ms", ms=view.latency_ms)
        if view.database_ok and view.latency_ms is not None
        else _("Not reachable")
    )
    schema = view.schema_current or "—"
    if not view.schema_up_to_date:
        schema = _("{current} (latest: {head})", current=schema, head=view.schema_head or "—")
    rows = [
        ("database", _("Database"), f"{view.dialect}: {database}"),
        ("schema", _("Schema revision"), schema),
        ("version", _("Version"), view.version),
        # Clients of this process only: each app process serves its own browsers.
        ("clients", _("Connected clients (this process)"), str(_connected_clients())),
        ("uptime", _("Uptime"), _uptime(view.uptime_seconds)),
        ("users", _("Users"), str(view.users)),
        ("groups", _("Groups"), str(view.groups)),
        ("workspaces", _("Workspaces"), str(view.workspaces)),
    ]
    with ui.card().classes("w-full gap-0"):
        for key, label, value in rows:
            with ui.row().classes("w-full items-center py-1 gap-2 no-wrap"):
                ui.label(label).classes("w-1/2 eq-muted")
                ui.label(value).classes("font-medium").mark(f"status-{key}")
    if not view.database_ok or not view.schema_up_to_date:
        ui.label(_("Something needs attention.")).classes("text-negative").mark("status-warning")


def _connected_clients() -> int:
    return sum(1 for client in Client.instances.values() if client.has_socket_connection)


def _uptime(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return _("{days} d {hours} h {minutes} min", days=days, hours=hours, minutes=minutes)
