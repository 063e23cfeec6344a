"""Every kind of response of the real app carries the security headers (HTTP, no browser)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from nicegui import core
from nicegui.testing.user import User
from nicegui.version import __version__

from equeue_ui.security_headers import CONTENT_SECURITY_POLICY

PUBLIC_URL = "https://queue.example.edu"


@pytest.fixture
async def http(user: User) -> AsyncIterator[httpx.AsyncClient]:
    """Plain requests to the app the ``user`` fixture started (no redirects followed)."""
    transport = httpx.ASGITransport(app=core.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
def https_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EQUEUE_PUBLIC_URL", PUBLIC_URL)


RESPONSES = [
    pytest.param("/register", 200, id="page"),
    pytest.param("/login", 200, id="sign-in-page"),  # plain HTML, not NiceGUI's
    pytest.param("/groups", 303, id="redirect-to-sign-in"),
    pytest.param("/auth/logout", 303, id="auth-endpoint"),
    pytest.param(f"/_nicegui/{__version__}/static/nicegui.js", 200, id="static-asset"),
    pytest.param("/no/such/page", 404, id="not-found"),
    pytest.param("/healthz", 200, id="health"),
]


@pytest.mark.parametrize(("path", "status"), RESPONSES)
async def test_every_kind_of_response_carries_the_security_headers(
    http: httpx.AsyncClient, path: str, status: int
) -> None:
    response = await http.get(path)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "strict-transport-security" not in response.headers  # no https public address


@pytest.mark.parametrize(("path", "status"), RESPONSES)
async def test_with_an_https_public_address_every_response_asks_for_https(
    https_public_url: None, http: httpx.AsyncClient, path: str, status: int
) -> None:
    response = await http.get(path)
    assert response.status_code == status
    assert response.headers["strict-transport-security"] == "max-age=31536000"
