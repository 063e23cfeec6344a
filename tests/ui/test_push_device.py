""" "Notify me" subscribes this device to Web Push and says so; the other button ends it
(issue 17, point 2). The browser's side (turn_alerts.js, the worker) is simulated here: its
answers are what Chromium gives (tests/e2e/test_web_app.py)."""

from __future__ import annotations

import re

from nicegui.testing.user import User

from equeue_ui.services import push, queues
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    eventually,
    sign_in,
    texts,
    wait_for_notice,
)

ENDPOINT = "https://push.example.com/send/device-1"
SUBSCRIPTION = {
    "endpoint": ENDPOINT,
    "p256dh": "BA" + "A" * 85,
    "auth": "A" * 22,
    "userAgent": "Mozilla/5.0 (Android 14; Mobile) Firefox/133.0",
}


async def test_notify_me_subscribes_this_device_and_the_other_button_ends_it(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student5", path=f"/queues/{demo.open_subject.queue_id}")
    student = await account("student5")
    user.javascript_rules[re.compile(r'.*runMethod\(\d+, "askNotifications"')] = lambda _: "granted"
    user.javascript_rules[re.compile(r'.*runMethod\(\d+, "subscribePush"')] = lambda _: SUBSCRIPTION
    user.javascript_rules[re.compile(r'.*runMethod\(\d+, "unsubscribePush"')] = lambda _: ENDPOINT

    user.find(marker="enable-notifications").click()
    await wait_for_notice(
        user,
        "Notifications are on: this device will be told when it is your turn, "
        "even with the page closed.",
    )
    (device,) = await push.devices(actor=student)
    assert device.user_agent == SUBSCRIPTION["userAgent"]
    await user.should_see(marker="disable-notifications", retries=PATIENCE)
    await user.should_not_see(marker="enable-notifications")

    user.find(marker="disable-notifications").click()
    await wait_for_notice(user, "This device will no longer be told when it is your turn.")
    assert await push.devices(actor=student) == []
    await user.should_see(marker="enable-notifications", retries=PATIENCE)


async def test_a_device_subscribed_already_is_offered_to_stop(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student5", path=f"/queues/{queue_id}")
    await user.should_see(marker="enable-notifications")
    # What turn_alerts.js emits on loading, in a browser that is subscribed already.
    user.find(marker="turn-alerts").trigger("push_state", {"subscribed": True})
    await user.should_see(marker="disable-notifications", retries=PATIENCE)
    await user.should_not_see(marker="enable-notifications")
    # The queue changes and the student's buttons are drawn anew: still the right one.
    await queues.leave_queue(queue_id, actor=await account("student2"))
    await eventually(
        lambda: texts(user, "queue-status") == ["In the queue: place 4, 1 ahead of you."],
        what="the new place read out",
    )
    await user.should_see(marker="disable-notifications")
    await user.should_not_see(marker="enable-notifications")
    user.find(marker="turn-alerts").trigger("push_state", {"subscribed": False})
    await user.should_see(marker="enable-notifications", retries=PATIENCE)
