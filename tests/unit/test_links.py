"""Addresses from data become links only when they are web addresses (issue 13)."""

from __future__ import annotations

import pytest

from components.links import web_address


@pytest.mark.parametrize(
    "url", ["https://e.sfu-kras.ru/course/view.php?id=5", "http://example.org/lab", "HTTPS://A.B/"]
)
def test_web_addresses_are_kept(url: str) -> None:
    assert web_address(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/subjects/1",
        "https:///no-host",
        "https://[not-an-ipv6",
        "",
        None,
    ],
)
def test_anything_else_is_not_a_link(url: str | None) -> None:
    assert web_address(url) is None
