"""Log records are redacted as they are made: every logger, every handler, every formatter."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import httpx
import pytest
from uvicorn.logging import AccessFormatter

from equeue_ui import log_redaction
from equeue_ui.log_redaction import redact

TOKEN = "Zq3vLx8NwE5tYb2RkA7mUc1sHd4PgJ6fVo9iQe0nTy"  # as secrets.token_urlsafe(32) makes
HEX_TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # Moodle's tokens are 32 hex digits
API_TOKEN = "eq_" + "ZqvLxNwEtYbRkAmUcsHdPgJfVoiQenTy-abcdefghijk"  # services/api_tokens
ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g"

SECRET_CASES = [
    pytest.param(f"GET http://alice:{TOKEN}@127.0.0.1:8099/x", TOKEN, id="url-password"),
    pytest.param(f"GET https://{TOKEN}@example.org/", TOKEN, id="url-token-as-user"),
    pytest.param(f"GET /auth/complete?ticket={TOKEN}&next=%2F", TOKEN, id="ticket-query"),
    pytest.param(f"POST /webservice?wstoken={HEX_TOKEN}&x=1", HEX_TOKEN, id="wstoken-query"),
    pytest.param("username=a.ivanov&password=hunter2&service=x", "hunter2", id="form-password"),
    pytest.param(f"GET /board/{HEX_TOKEN} HTTP/1.1", HEX_TOKEN, id="board-path"),
    pytest.param(f"GET /invites/teacher/{HEX_TOKEN}", HEX_TOKEN, id="teacher-invite-path"),
    pytest.param(f"GET /invites/workspace/{HEX_TOKEN}?x=1", HEX_TOKEN, id="invite-path"),
    pytest.param(f"GET /reset-password/{HEX_TOKEN}", HEX_TOKEN, id="password-reset-path"),
    pytest.param(f"GET /login?next=%2Fboard%2F{HEX_TOKEN}", HEX_TOKEN, id="encoded-next"),
    pytest.param(f"{{'token': '{HEX_TOKEN}', 'privatetoken': None}}", HEX_TOKEN, id="dict-repr"),
    pytest.param(f'{{"token": "{HEX_TOKEN}"}}', HEX_TOKEN, id="json"),
    pytest.param(f"Cookie: equeue_session={TOKEN}.sig", TOKEN, id="cookie-header"),
    pytest.param(f"Authorization: Bearer {HEX_TOKEN}", HEX_TOKEN, id="bearer"),
    pytest.param("Authorization: Basic YWxpY2U6aHVudGVyMg==", "YWxpY2U6aHVudGVyMg", id="basic"),
    pytest.param(f"[parameters: ('bob', '{ARGON2}', 'Bob')]", "$argon2", id="argon2-hash"),
    pytest.param(f"session {TOKEN} ended", TOKEN, id="bare-random-token"),
    # An API token whose random part has no digit: the safety net alone would let it through.
    pytest.param(f"token {API_TOKEN} refused", API_TOKEN[3:], id="bare-api-token"),
    pytest.param(f"'authorization': 'Bearer {API_TOKEN}'", API_TOKEN[3:], id="bearer-api-token"),
]


@pytest.mark.parametrize(("text", "secret"), SECRET_CASES)
def test_secrets_are_redacted(text: str, secret: str) -> None:
    clean = redact(text)
    assert secret not in clean
    assert "***" in clean or "<argon2 hash>" in clean


ORDINARY_TEXT = [
    "GET /queues/12/console HTTP/1.1",
    "GET /_nicegui/3.18.0/static/quasar.umd.prod.js",
    "UPDATE users SET token_hash=? WHERE users.id = ?",
    "SELECT sessions.token_hash = $1",
    "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked",
    "CharacterNotInRepertoireError in test_a_frozen_entry_that_reaches_the_head_stays_there",
    "Алгоритмы-и-структуры-данных-Базы-данных",
    "Basic settings saved by administrator",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "listening for other processes' events on 127.0.0.1:5432/equeue",
]


@pytest.mark.parametrize("text", ORDINARY_TEXT)
def test_ordinary_log_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


@pytest.fixture
def redacting() -> Iterator[None]:
    previous = logging.getLogRecordFactory()
    log_redaction.install()
    log_redaction.install()  # a second call changes nothing
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)


def _emit(logger: logging.Logger, formatter: logging.Formatter, *args: object) -> str:
    """What a handler of its own (as uvicorn's are) writes for one record on ``logger``."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger.addHandler(handler)
    logger.propagate, propagate = False, logger.propagate
    logger.setLevel(logging.DEBUG)
    try:
        logger.info(*args)  # type: ignore[arg-type]
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        logger.setLevel(logging.NOTSET)
    return stream.getvalue()


def test_uvicorn_access_lines_keep_their_shape_with_the_token_redacted(redacting: None) -> None:
    line = _emit(
        logging.getLogger("uvicorn.access"),
        AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False),
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        f"/board/{HEX_TOKEN}?theme=dark",
        "1.1",
        200,
    )
    assert line == '127.0.0.1:5000 - "GET /board/***?theme=dark HTTP/1.1" 200 OK\n'


def test_a_url_object_argument_loses_its_credentials(redacting: None) -> None:
    url = httpx.URL(f"http://alice:{TOKEN}@127.0.0.1:8099/login/token.php")
    line = _emit(
        logging.getLogger("httpx"),
        logging.Formatter("%(message)s"),
        'HTTP Request: %s %s "%s %d %s"',
        "POST",
        url,
        "HTTP/1.1",
        200,
        "OK",
    )
    assert TOKEN not in line
    assert line.startswith("HTTP Request: POST http://***@127.0.0.1:8099/login/token.php")


def test_tracebacks_are_redacted_for_every_handler(
    redacting: None, caplog: pytest.LogCaptureFixture
) -> None:
    log = logging.getLogger("tests.redaction")
    stream = io.StringIO()
    own = logging.StreamHandler(stream)
    log.addHandler(own)
    try:
        raise RuntimeError(f"[parameters: ('bob', '{ARGON2}')] at http://u:{TOKEN}@host/")
    except RuntimeError:
        log.exception("registration failed for %s", "bob")
    finally:
        log.removeHandler(own)
    for text in (stream.getvalue(), caplog.text):
        assert "registration failed for bob" in text
        assert "RuntimeError" in text
        assert "$argon2" not in text
        assert TOKEN not in text


def test_a_message_split_over_format_and_arguments_is_redacted_as_a_whole(
    redacting: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    logging.getLogger("tests.redaction").info("signing in with ?ticket=%s", TOKEN)
    assert TOKEN not in caplog.text
    assert caplog.records[-1].getMessage() == "signing in with ?ticket=***"


def test_without_the_factory_records_are_untouched(caplog: pytest.LogCaptureFixture) -> None:
    previous = logging.getLogRecordFactory()  # the app's set-up may have installed it already
    logging.setLogRecordFactory(logging.LogRecord)
    try:
        caplog.set_level(logging.INFO)
        logging.getLogger("tests.redaction").info("ticket=%s", TOKEN)
    finally:
        logging.setLogRecordFactory(previous)
    assert TOKEN in caplog.text  # so the tests above test the factory, not the capture
