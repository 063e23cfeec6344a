"""The README's Python client follows a queue (issue 21, point 6): its code, taken from the
README as it stands, receives the queue and then each change."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from equeue_ui.runtime import Runtime
from equeue_ui.services import queues
from tests.api.conftest import bearer
from tests.api.test_api_stream import Server, server  # noqa: F401
from tests.services.queue_world import QueueWorld

README = Path(__file__).parents[2] / "README.md"


def readme_client() -> Any:
    text = README.read_text()
    section = text.split("## The HTTP API (for apps and bots)", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    definitions = code.group(1).split("\nfor queue in follow(", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(definitions, "README.md", "exec"), namespace)
    return namespace["follow"]


async def test_the_readme_client_follows_a_queue(
    rt: Runtime,
    qw: QueueWorld,
    server: Server,  # noqa: F811
) -> None:
    follow = readme_client()
    token = (await bearer(qw.students[0], ["read"]))["Authorization"].removeprefix("Bearer ")
    stream = follow(server.url, token, qw.queue_id)
    try:
        first = await asyncio.to_thread(next, stream)
        assert first["entries"] == []
        await queues.join_queue(qw.queue_id, actor=qw.students[1])
        second = await asyncio.to_thread(next, stream)
        assert second["version"] > first["version"]
        assert [entry["user_id"] for entry in second["entries"]] == [qw.students[1].id]
    finally:
        await asyncio.to_thread(stream.close)
