"""The framework's floor for tests/bench/weak_phone.py: a NiceGUI page with nothing of eQueue's.

``python -m tests.bench.bare_page PORT`` serves at ``/login`` a header, two fields and a "Sign
in" button, on NiceGUI as eQueue runs it (no in-browser Tailwind, static files brotli-compressed
by equeue_ui.compression), and nothing else: no database, no session, no app style sheet, no
icons. What a phone needs to load *this* page is what any NiceGUI page needs, so its figures are
the least any eQueue page could take under the same throttling.
"""

from __future__ import annotations

import sys

from nicegui import ui

from equeue_ui.compression import StaticBrotli


def main(port: int) -> None:
    @ui.page("/login")
    def sign_in() -> None:
        with ui.header():
            # what weak_phone's probe takes for "styled", here without a style sheet
            ui.label("eQueue").classes("max-w-[50vw]").style("max-width: 50vw")
        ui.input("Username")
        ui.input("Password", password=True)
        ui.button("Sign in")

    @ui.page("/healthz")
    def healthy() -> None:
        ui.label("ok")

    ui.run(
        host="127.0.0.1",
        port=port,
        title="floor",
        tailwind=False,
        reload=False,
        show=False,
        show_welcome_message=False,
        reconnect_timeout=10.0,
        gzip_middleware_factory=StaticBrotli,  # type: ignore[arg-type]  # any ASGI middleware
    )


if __name__ in {"__main__", "__mp_main__"}:
    main(int(sys.argv[1]))
