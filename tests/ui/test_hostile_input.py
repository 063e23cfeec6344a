"""Text no person types is refused on the page with a notice, never an error (issue 13, 10)."""

from __future__ import annotations

import pytest
from nicegui.testing.user import User

from tests.ui.helpers import PATIENCE, sign_in, texts, wait_for_notice

pytestmark = pytest.mark.usefixtures("demo")


async def test_a_group_search_with_a_nul_is_refused_with_a_notice(user: User) -> None:
    await sign_in(user, "teacher", path="/groups")
    await user.should_see(marker="group-option", retries=PATIENCE)
    shown = texts(user, "group-option")
    user.find(marker="group-search").type("фи\x00")
    await wait_for_notice(user, "A search must not contain control characters.")
    assert texts(user, "group-option") == shown  # the last good results stay
