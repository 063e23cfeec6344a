"""API tokens never reach the logs (issue 21, point 2): every logger at DEBUG while a token is
made, used, refused and revoked through the API, on both databases."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from equeue_ui import log_redaction
from equeue_ui.runtime import Runtime
from equeue_ui.services import api_tokens
from tests.services.queue_world import QueueWorld


@pytest.fixture
def every_logger_at_debug(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    previous = logging.getLogRecordFactory()
    log_redaction.install()
    for name in ["", *logging.root.manager.loggerDict]:
        caplog.set_level(logging.DEBUG, logger=name)
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)


async def test_tokens_are_never_logged(
    rt: Runtime,
    qw: QueueWorld,
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    every_logger_at_debug: None,
) -> None:
    student = qw.students[0]
    made = await api_tokens.create_token("bot", actor=student, scopes=[], expires_in_days=30)
    headers = {"Authorization": f"Bearer {made.secret}"}
    assert (await client.get(f"/api/v1/queues/{qw.queue_id}", headers=headers)).status_code == 200
    refused = await client.post(f"/api/v1/queues/{qw.queue_id}/entries", json={}, headers=headers)
    assert refused.status_code == 403
    await api_tokens.revoke_token(made.token.id, actor=student)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    # Someone logs what they should not: the request's headers, the token itself.
    logging.getLogger("equeue_ui.api").warning("request headers %s", dict(headers))
    logging.getLogger("equeue_ui.api").warning("token %s", made.secret)

    logged = caplog.text
    assert "api_tokens" in logged  # the flow was logged, statements and all
    assert made.secret not in logged
    assert made.secret[len(made.token.prefix) :] not in logged
