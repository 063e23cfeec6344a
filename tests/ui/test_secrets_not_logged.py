"""The UI logs an unexpected failure with its traceback, and that holds no secret."""

from __future__ import annotations

import logging

import pytest
from nicegui.testing.user import User

from equeue_ui import runtime
from tests.db_faults import users_refused
from tests.ui.helpers import PATIENCE

PASSWORD = "Lokal-Parol-Sekret-2026"


@pytest.mark.usefixtures("quick_passwords")
async def test_a_registration_the_database_fails_logs_neither_the_password_nor_its_hash(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ["", *logging.root.manager.loggerDict]:
        caplog.set_level(logging.DEBUG, logger=name)
    await user.open("/register")
    user.find(marker="username").type("zoya")
    user.find(marker="password").type(PASSWORD)
    user.find(marker="password-repeat").type(PASSWORD)
    async with users_refused(runtime.current()):
        user.find(marker="register-form").trigger("submit.prevent")
        await user.should_see("Something went wrong. Please try again.", retries=PATIENCE)
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert errors and errors[0].exc_info  # logged with the traceback of the database error
    assert "INSERT INTO users" in caplog.text
    assert PASSWORD not in caplog.text
    assert "$argon2" not in caplog.text
    caplog.clear()  # the ERROR is this test's subject (the fixture would report it)
