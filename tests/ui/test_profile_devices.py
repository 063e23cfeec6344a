"""The profile's list of devices told by push when it is one's turn (issue 17, point 2): each
device by its browser and system, which one this is, and removing one."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui
from nicegui.testing.user import User

from components import session
from components.frame import frame
from components.profile_devices import devices_section
from equeue_ui.services import push
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    elements,
    settle,
    sign_in,
    texts,
    wait_for_notice,
)

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile"
KEYS = {"p256dh": "BA" + "A" * 85, "auth": "A" * 22}


def register_page() -> None:
    """The section on a page of its own (the profile page puts it among the others)."""

    @ui.page("/_test/push-devices")
    async def devices_page(request: Request) -> None:
        user = await session.current_user(request)
        assert user is not None
        with frame("Devices", user=user, here="/_test/push-devices"):
            await devices_section(user, session_token=session.session_token(request))


async def test_devices_are_listed_and_removed(user: User, demo: DemoWorld) -> None:
    register_page()
    await sign_in(user, "student5")
    student = await account("student5")
    token = session.token_of(user.http_client.cookies.get(session.COOKIE))
    for name, agent in (("phone", PHONE), ("laptop", "Mozilla/5.0 (X11; Linux) Firefox/133.0")):
        await push.subscribe(
            actor=student,
            session_token=token,
            endpoint=f"https://push.example.com/{name}",
            user_agent=agent,
            **KEYS,
        )

    await user.open("/_test/push-devices")
    await user.should_see(marker="push-device", retries=PATIENCE)
    assert len(elements(user, marker="push-device")) == 2
    names = texts(user, "push-device-name")
    assert any("Chrome" in name and "Android" in name for name in names), names
    assert len(elements(user, marker="this-push-device")) == 2  # both made in this session

    user.find(marker="remove-push-device").click()  # the first one only
    await wait_for_notice(user, "This device no longer gets notifications.")
    assert len(await push.devices(actor=student)) == 1
    await settle(user)
    assert len(elements(user, marker="push-device")) == 1
