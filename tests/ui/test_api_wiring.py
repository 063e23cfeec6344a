"""The real app serves the API, its OpenAPI document and its docs page (from the installed
Swagger UI, under the app's own Content-Security-Policy), and the API takes no cookies
(issue 21, points 1 and 2)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from nicegui import core
from nicegui.testing.user import User

from components import session
from equeue_ui.security_headers import CONTENT_SECURITY_POLICY
from equeue_ui.services import accounts


@pytest.fixture
async def http(user: User) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=core.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_the_docs_page_and_its_assets_come_from_the_app_itself(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "/api/docs/assets/swagger-ui-bundle.js" in page.text
    assert "/api/v1/openapi.json" in page.text
    assert "cdn" not in page.text.lower().replace("cdnjs", "cdn")
    script = await http.get("/api/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    style = await http.get("/api/docs/assets/swagger-ui.css")
    assert style.status_code == 200 and "css" in style.headers["content-type"]
    assert (await http.get("/api/docs/assets/index.html")).status_code == 404
    document = await http.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert "/api/v1/queues/{queue_id}/events" in document.json()["paths"]


async def test_the_api_answers_a_valid_session_cookie_with_401(http: httpx.AsyncClient) -> None:
    """A page of another site can make a browser send eQueue's cookies; the API reads none."""
    person = await accounts.register("cookie_holder", "Cookie-Holder-Parol-2026")
    binding = "b" * 43
    ticket = await accounts.issue_ticket(person.id, binding=binding)
    signed_in = await accounts.redeem_ticket(ticket, binding=binding)
    assert await accounts.user_for_session(signed_in.token) == person
    http.cookies.set(session.COOKIE, signed_in.token)
    response = await http.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
