"""A queue joined only from the classroom (issue 18): the board shows the presence code and a QR
code whose link carries it; that link, opened on a signed-in phone, joins with one tap."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import Browser, ViewportSize, expect

from tests.e2e.conftest import connected, new_page, open_queue, sign_in, signed_in_page
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Операционные системы"  # the demo's closed queue, which asks for the code
PHONE: ViewportSize = {"width": 360, "height": 740}


async def test_the_boards_qr_link_opened_on_a_phone_joins_the_queue(
    browser: Browser, app_server: AppServer
) -> None:
    leader = await signed_in_page(browser, app_server, "leader")
    phone = await new_page(browser, app_server, viewport=PHONE)
    signing_in = asyncio.ensure_future(sign_in(phone, "student5"))

    queue_path = await open_queue(leader, WORKSPACE, SUBJECT)
    await leader.goto(f"{queue_path}/console")
    await connected(leader)
    await leader.get_by_role("button", name="Open").click()
    await expect(leader.get_by_text(re.compile(r"^Code to join: \d{6}$"))).to_be_visible()

    await leader.goto(f"{queue_path}/board")
    await connected(leader)
    qr = leader.get_by_role("img", name="QR code of the link to join the queue")
    await expect(qr).to_have_attribute("data-link", re.compile(r"/q/\d+\?code=\d{6}$"))
    link = await qr.get_attribute("data-link")
    assert link is not None
    code = link.rsplit("=", 1)[1]
    await expect(leader.get_by_text(code, exact=True)).to_be_visible()  # typed from the back

    await signing_in
    await phone.goto(link)  # what the phone's camera opens
    await phone.wait_for_url(re.compile(rf"{re.escape(queue_path)}\?code={code}$"))
    await connected(phone)
    await expect(phone.get_by_label("Code from the classroom board")).to_have_value(code)
    await phone.get_by_role("button", name="Join the queue").click()
    await expect(phone.get_by_text("Your position")).to_be_visible()
