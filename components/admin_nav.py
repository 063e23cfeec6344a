"""The navigation shared by the site administration pages."""

from __future__ import annotations

from nicegui import ui

from components.a11y import labelled
from components.i18n import _


def admin_nav(here: str) -> None:
    """Links to every `/admin/*` page; the current one is highlighted."""
    sections = [
        ("users", _("Users"), "people"),
        ("groups", _("Groups"), "groups"),
        ("settings", _("Settings"), "settings"),
        ("audit", _("Audit log"), "history"),
        ("status", _("Status"), "monitor_heart"),
    ]
    with labelled(ui.element("nav"), _("Administration")).classes(
        "w-full flex flex-nowrap overflow-x-auto gap-1"
    ):
        for key, label, icon in sections:
            path = f"/admin/{key}"
            current = here == path
            button = ui.button(label, icon=icon, on_click=lambda p=path: ui.navigate.to(p))
            button.classes("shrink-0").props("no-caps").props(
                "unelevated" if current else "flat"
            ).mark(f"admin-nav-{key}")
            if current:
                button.props('aria-current="page"')
