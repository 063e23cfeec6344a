"""A whole flow with known secrets, every logger at DEBUG: none of the secrets is logged.

SQLite and PostgreSQL. The browser-level variant (uvicorn's access log, the app process's
output) is tests/e2e/test_secrets_not_logged.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from equeue_ui import log_redaction
from equeue_ui.ecourses import crypto
from equeue_ui.errors import AuthenticationError
from equeue_ui.runtime import Runtime
from equeue_ui.services import (
    accounts,
    boards,
    ecourses_accounts,
    student_invites,
    teaching,
)
from tests.db_faults import users_refused
from tests.ecourses.conftest import Fake, ert, fake, fake_server  # noqa: F401
from tests.services import queue_world

PASSWORD = "Lokal-Parol-Sekret-2026"
ECOURSES_PASSWORD = "Ecourses-Parol-Sekret-2026"
URL_PASSWORD = "Url-Parol-Sekret-2026"
BINDING = "sign-in-cookie-Sekret-2026"
# The text of the error that failed a registration: it used to carry the INSERT's parameters.
UNEXPECTED = "unexpected failure in a UI action"


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def every_logger_at_debug(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Records of every logger (SQLAlchemy's rows, aiosqlite's calls, httpx, httpcore…), made
    through the redacting record factory as `equeue` and the app's set-up install it."""
    previous = logging.getLogRecordFactory()
    log_redaction.install()
    for name in ["", *logging.root.manager.loggerDict]:
        caplog.set_level(logging.DEBUG, logger=name)
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)


async def test_a_whole_flow_logs_none_of_its_secrets(
    ert: Runtime,  # noqa: F811
    fake: Fake,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    every_logger_at_debug: None,
) -> None:
    world = await queue_world.make_queue_world(ert)
    log = logging.getLogger("components.notices")

    # A registration, a sign-in with its ticket and session, and a wrong password.
    await accounts.register("newcomer", PASSWORD, enforce_setting=False)
    ticket = await accounts.sign_in("newcomer", PASSWORD, binding=BINDING)
    session_token = (await accounts.redeem_ticket(ticket, binding=BINDING)).token
    with pytest.raises(AuthenticationError):
        await accounts.sign_in("newcomer", PASSWORD + "x", binding=BINDING)

    # Board and invite links, opened by their tokens.
    board = await boards.create_display_link(world.queue_id, actor=world.teacher, label="Room")
    await boards.board_for_link(board.token)
    teacher_invite = await teaching.create_invite(world.subject_id, actor=world.world.admin)
    await teaching.invite_subject(teacher_invite.token)
    student_invite = await student_invites.create_invite(
        world.world.workspace_id, actor=world.world.admin
    )
    await student_invites.invite_workspace(student_invite.token, actor=world.world.outsider)

    # eCourses: the password goes out, a token comes back and is stored encrypted.
    fake.control(user={"username": "a.ivanov", "password": ECOURSES_PASSWORD})
    await ecourses_accounts.sign_in_with_ecourses("a.ivanov", ECOURSES_PASSWORD, binding=BINDING)
    stored = await ecourses_accounts_token(ert)

    # A fetch of an address with credentials in it (httpx logs every request's URL).
    async with httpx.AsyncClient() as client:
        await client.get(fake.url.replace("://", f"://importer:{URL_PASSWORD}@") + "/healthz")

    # A registration the database fails: the error is logged with its traceback, as the UI
    # logs any unexpected failure (components/notices.py).
    async with users_refused(ert):
        with pytest.raises(DBAPIError) as failed:
            await accounts.register("second", PASSWORD, enforce_setting=False)
    assert "$argon2" not in str(failed.value)  # hide_parameters: the engines keep them out
    log.exception(UNEXPECTED, exc_info=failed.value)

    logged = caplog.text
    # The flow was logged, in detail: statements, the fetch, the failure's traceback.
    assert "INSERT INTO users" in logged
    assert "HTTP Request: GET http://***@127.0.0.1" in logged
    assert UNEXPECTED in logged and type(failed.value).__name__ in logged
    for secret in (
        PASSWORD,
        "$argon2",
        ticket,
        session_token,
        BINDING,
        board.token,
        teacher_invite.token,
        student_invite.token,
        ECOURSES_PASSWORD,
        stored,
        URL_PASSWORD,
    ):
        assert secret not in logged, secret


async def ecourses_accounts_token(rt: Runtime) -> str:
    """The eCourses token stored (encrypted) for the account the fake's a.ivanov signed in to."""
    async with rt.db.read_session() as session:
        encrypted = await session.scalar(
            text("SELECT ecourses_token_encrypted FROM users WHERE ecourses_user_id = 3002")
        )
    token = crypto.decrypt_token(encrypted, secret=rt.settings.resolved_secret)
    assert token
    return token
