"""Every page is registered with eQueue's build timeout, not NiceGUI's 3 s (pages/guard.py)."""

from __future__ import annotations

import re
from pathlib import Path

from pages.guard import BUILD_TIMEOUT_S, page_at

ROOT = Path(__file__).resolve().parents[2]
# A Client made for an error page is built at once, not registered as a route.
NOT_ROUTES = {"pages/not_found.py": 'ui.page("")'}


def test_page_at_gives_the_page_eQueues_build_timeout() -> None:
    decorator = page_at("/a-page-never-registered")
    assert decorator.response_timeout == BUILD_TIMEOUT_S  # type: ignore[attr-defined]
    assert BUILD_TIMEOUT_S > 3.0


def test_no_page_is_registered_with_nicegui_s_default_timeout() -> None:
    offenders = []
    for folder in ("pages", "components"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = str(path.relative_to(ROOT))
            code = path.read_text(encoding="utf-8")
            if name == "pages/guard.py":
                continue
            for found in re.finditer(r"ui\.page\(\s*f?[\"'][^)]*\)", code):
                if NOT_ROUTES.get(name) != found.group(0):
                    offenders.append(f"{name}: {found.group(0)}")
    assert offenders == []
