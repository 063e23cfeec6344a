"""The profile's API tokens section (issue 21, point 2): on /profile a token is made with a
name, scopes and an expiry, shown once with a copy button, listed with its last use, and
revoked."""

from __future__ import annotations

import httpx
import pytest
from nicegui import core, ui
from nicegui.testing.user import User

from equeue_ui.services import api_tokens
from tests.ui.helpers import PATIENCE, DemoWorld, account, elements, eventually, sign_in, texts

PATH = "/profile"


def _shown_token(user: User) -> str:
    (field,) = elements(user, ui.input, marker="new-token")
    return str(field.value or "")


@pytest.mark.usefixtures("quick_passwords")
async def test_a_token_is_made_shown_once_used_and_revoked(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student2", path=PATH)
    await user.should_see(marker="api-tokens-section", retries=PATIENCE)
    await user.should_see("No tokens yet.")
    user.find(marker="token-name").type("phone")
    user.find(marker="token-scope-queue").click()
    user.find(marker="make-token").click()
    await eventually(lambda: _shown_token(user), what="the new token")
    secret = _shown_token(user)
    assert secret.startswith("eq_")
    await user.should_see(marker="api-token", retries=PATIENCE)
    (state,) = texts(user, "api-token-state")
    assert state.startswith("read, queue") and state.endswith("never used")

    auth = {"Authorization": f"Bearer {secret}"}
    transport = httpx.ASGITransport(app=core.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        assert (await http.get("/api/v1/me", headers=auth)).json()["username"] == "student2"
        # Shown again, the page lists the token with its use, never the token itself.
        await user.open(PATH)
        await user.should_see(marker="api-token", retries=PATIENCE)
        assert "last used" in texts(user, "api-token-state")[0]
        assert _shown_token(user) == ""

        user.find(marker="revoke-token").click()
        student = await account("student2")

        async def revoked() -> bool:
            (token,) = await api_tokens.list_tokens(actor=student)
            return token.revoked_at is not None

        await eventually(revoked, what="the token revoked")
        assert (await http.get("/api/v1/me", headers=auth)).status_code == 401
    await user.should_not_see(marker="revoke-token", retries=PATIENCE)
    assert texts(user, "api-token-state")[0].startswith("read, queue · Revoked")
