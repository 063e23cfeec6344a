"""One module per route family; `register_all` adds them to NiceGUI's app."""

from __future__ import annotations

from equeue_ui.settings import Settings


def register_all(settings: Settings) -> None:
    from pages import (
        admin,
        auth,
        board,
        console,
        ecourses_import,
        groups,
        health,
        home,
        invites,
        metrics,
        not_found,
        pictures,
        profile,
        queue,
        reset_password,
        statistics,
        subject,
        subject_settings,
        web_app,
        workspace,
        workspace_settings,
    )

    for module in (
        health,
        metrics,
        pictures,
        web_app,
        auth,
        home,
        groups,
        profile,
        reset_password,
        workspace,
        workspace_settings,
        subject,
        subject_settings,
        queue,
        board,
        console,
        statistics,
        invites,
        admin,
        ecourses_import,
        not_found,
    ):
        module.register()
    if settings.benchmark_hooks:
        from pages import bench

        bench.register()
