"""One module per route family; `register_all` adds them to NiceGUI's app."""

from __future__ import annotations


def register_all() -> None:
    from pages import auth, groups, health, home, queue, subject, workspace

    for module in (health, auth, home, groups, workspace, subject, queue):
        module.register()
