"""How the API speaks HTTP (issue 21, points 1, 2, 3 and 5): its OpenAPI document, problem
details in the reader's language, tokens only from the Authorization header, ETags,
pagination and the rate limit."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from equeue_ui.api import docs
from equeue_ui.runtime import Runtime
from equeue_ui.services import api_tokens, presence, queues
from tests.api.conftest import bearer, build_app
from tests.services import factories
from tests.services.queue_world import QueueWorld, make_subject_queue, snapshot


async def test_the_openapi_document_is_valid_and_documents_every_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    validate(document)
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) == 17
    for path, method, operation in operations:
        statuses = set(operation["responses"])
        assert {"401", "403", "404", "422", "429"} <= statuses, (method, path)
        if method != "get":
            assert "409" in statuses, (method, path)
        problem = operation["responses"]["404"]["content"]["application/problem+json"]
        assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
        assert operation["security"] == [{"token": []}], (method, path)


def test_the_document_is_the_apis_alone() -> None:
    app, _ = build_app()
    document = docs.document(app.routes, version="1")
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert len(document["paths"]) == 16


async def test_no_token_an_unknown_one_or_a_cookie_gets_401_problem_details(
    rt: Runtime, qw: QueueWorld, client: httpx.AsyncClient
) -> None:
    good = (await bearer(qw.students[0]))["Authorization"].removeprefix("Bearer ")
    for headers, cookies in [
        ({}, {}),
        ({"Authorization": "Bearer eq_not-a-real-token"}, {}),
        ({"Authorization": f"Basic {good}"}, {}),
        ({}, {"equeue_session": good, "session": good, "token": good}),
    ]:
        client.cookies.clear()
        client.cookies.update(cookies)
        response = await client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 401 and body["type"] == "urn:equeue:problem:unauthorized"


async def test_problems_come_in_the_readers_language(
    rt: Runtime, qw: QueueWorld, client: httpx.AsyncClient
) -> None:
    headers = await bearer(qw.students[0])
    await queues.join_queue(qw.queue_id, actor=qw.students[0])
    url = f"/api/v1/queues/{qw.queue_id}/entries"
    russian = await client.post(url, json={}, headers=headers)
    english = await client.post(
        url, json={}, headers=headers | {"Accept-Language": "en-GB,ru;q=0.5"}
    )
    preferred = await client.post(
        url, json={}, headers=headers | {"Accept-Language": "de, ru;q=0.9, en;q=0.8"}
    )
    assert russian.status_code == english.status_code == 409
    assert english.json()["detail"] == "You are already in this queue."
    assert english.json()["title"] == "Conflict"
    assert russian.json()["detail"] != english.json()["detail"]
    assert preferred.json()["detail"] == russian.json()["detail"]


async def test_invalid_input_is_a_422_problem_naming_the_part(
    rt: Runtime, qw: QueueWorld, client: httpx.AsyncClient
) -> None:
    headers = await bearer(qw.students[0]) | {"Accept-Language": "en"}
    for response in [
        await client.post(
            f"/api/v1/queues/{qw.queue_id}/entries", json={"task_id": "x"}, headers=headers
        ),
        await client.get("/api/v1/queues/not-a-number", headers=headers),
        await client.get("/api/v1/workspaces?limit=0", headers=headers),
        await client.get("/api/v1/workspaces?cursor=abc", headers=headers),
    ]:
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
    ids = await client.get(f"/api/v1/queues/{2**63}", headers=headers)
    assert ids.status_code == 404


async def test_reads_carry_an_etag_and_answer_304_until_something_changes(
    rt: Runtime, qw: QueueWorld, client: httpx.AsyncClient
) -> None:
    headers = await bearer(qw.students[0])
    url = f"/api/v1/queues/{qw.queue_id}"
    first = await client.get(url, headers=headers)
    tag = first.headers["etag"]
    assert first.status_code == 200 and tag.startswith('"')
    again = await client.get(url, headers=headers | {"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    weak = await client.get(url, headers=headers | {"If-None-Match": f'"other", W/{tag}'})
    assert weak.status_code == 304
    await queues.join_queue(qw.queue_id, actor=qw.students[1])
    changed = await client.get(url, headers=headers | {"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    assert [e["user_id"] for e in changed.json()["entries"]] == [qw.students[1].id]


async def test_lists_come_a_page_at_a_time_and_the_pages_add_up(
    rt: Runtime, qw: QueueWorld, client: httpx.AsyncClient
) -> None:
    for n in range(4):
        await make_subject_queue(rt, qw.world.workspace_id, f"Extra {n}")
    headers = await bearer(qw.students[0])
    seen: list[int] = []
    cursor = ""
    pages = 0
    while True:
        response = await client.get(
            f"/api/v1/workspaces/{qw.world.workspace_id}/subjects",
            params={"limit": 2, "cursor": cursor},
            headers=headers,
        )
        body = response.json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        pages += 1
        if body["next_cursor"] is None:
            break
        cursor = body["next_cursor"]
    assert pages == 3  # Algebra, Physics and four more
    assert seen == sorted(set(seen)) and len(seen) == 6


async def test_a_token_past_its_rate_limit_gets_429_with_retry_after(
    rt: Runtime, qw: QueueWorld
) -> None:
    app, _ = build_app(requests_per_minute=3)
    transport = httpx.ASGITransport(app=app)
    headers = await bearer(qw.students[0])
    other = await bearer(qw.students[1])
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert [
            (await client.get("/api/v1/me", headers=headers)).status_code for _ in range(3)
        ] == [200] * 3
        refused = await client.get("/api/v1/me", headers=headers | {"Accept-Language": "en"})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["type"] == "urn:equeue:problem:rate-limited"
        # The limit is the token's: another token goes on.
        assert (await client.get("/api/v1/me", headers=other)).status_code == 200


async def test_a_blocked_users_token_stops_at_once(
    rt: Runtime, qw: QueueWorld, client: httpx.AsyncClient
) -> None:
    headers = await bearer(qw.students[0])
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    from equeue_ui.services import accounts

    await accounts.set_blocked(qw.students[0].id, True, actor=qw.world.site_admin)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_a_student_follows_their_work_through_the_api(
    rt: Runtime, qw: QueueWorld, client: httpx.AsyncClient
) -> None:
    student = qw.students[0]
    headers = await bearer(student)
    me = (await client.get("/api/v1/me", headers=headers)).json()
    assert me["id"] == student.id and me["scopes"] == ["queue", "read", "teach"]
    assert me["group"]["id"] == student.group_id and me["group"]["name"]
    workspaces = (await client.get("/api/v1/workspaces", headers=headers)).json()
    assert [w["id"] for w in workspaces["items"]] == [qw.world.workspace_id]
    first, second = qw.task_ids[:2]
    assert (await client.put(f"/api/v1/tasks/{first}/hand-in", headers=headers)).status_code == 204
    tasks = (await client.get(f"/api/v1/subjects/{qw.subject_id}/tasks", headers=headers)).json()
    assert {t["id"]: t["handed_in"] for t in tasks["items"]}[first] is True
    joined = await client.post(f"/api/v1/queues/{qw.queue_id}/entries", json={}, headers=headers)
    assert joined.status_code == 201
    queue = (await client.get(f"/api/v1/queues/{qw.queue_id}", headers=headers)).json()
    (entry,) = queue["entries"]
    assert entry["id"] == joined.json()["entry_id"] and entry["task_id"] == second
    teacher = await bearer(qw.teacher, ["teach"])
    called = await client.post(f"/api/v1/queues/{qw.queue_id}/call-next", headers=teacher)
    assert called.json() == {"entry_id": entry["id"]}
    assert (
        await client.post(f"/api/v1/entries/{entry['id']}/accept", headers=teacher)
    ).status_code == 204
    tasks = (await client.get(f"/api/v1/subjects/{qw.subject_id}/tasks", headers=headers)).json()
    assert {t["id"]: t["handed_in"] for t in tasks["items"]}[second] is True
    refused = await client.delete(f"/api/v1/tasks/{second}/hand-in", headers=headers)
    assert refused.status_code == 409


@pytest.mark.parametrize("scopes", [[], ["queue"], ["teach"]])
async def test_every_token_reads(
    rt: Runtime, qw: QueueWorld, client: httpx.AsyncClient, scopes: list[str]
) -> None:
    made = await api_tokens.create_token(
        "bot", actor=qw.students[0], scopes=scopes, expires_in_days=30
    )
    response = await client.get(
        f"/api/v1/queues/{qw.queue_id}", headers={"Authorization": f"Bearer {made.secret}"}
    )
    assert response.status_code == 200


async def test_someone_in_no_workspace_sees_an_empty_list(
    rt: Runtime, client: httpx.AsyncClient
) -> None:
    loner = await factories.make_user(rt, "loner")
    body = (await client.get("/api/v1/workspaces", headers=await bearer(loner))).json()
    assert body == {"items": [], "next_cursor": None}


async def test_a_classroom_queue_is_joined_with_the_boards_code(
    rt: Runtime, qw: QueueWorld, client: httpx.AsyncClient
) -> None:
    await queues.update_settings(
        qw.queue_id,
        actor=qw.teacher,
        members_can_freeze=True,
        max_size=None,
        presence_required=True,
    )
    headers = await bearer(qw.students[0]) | {"Accept-Language": "en"}
    url = f"/api/v1/queues/{qw.queue_id}/entries"
    without = await client.post(url, json={}, headers=headers)
    wrong = await client.post(url, json={"presence_code": "000000x"}, headers=headers)
    assert without.status_code == wrong.status_code == 422
    assert (await snapshot(qw)).entries == ()
    shown = await presence.code_for_operator(qw.queue_id, actor=qw.teacher)
    assert shown is not None
    joined = await client.post(url, json={"presence_code": shown.code}, headers=headers)
    assert joined.status_code == 201


async def test_an_unknown_api_address_is_a_problem_not_a_page(client: httpx.AsyncClient) -> None:
    for method in ("GET", "POST", "DELETE"):
        response = await client.request(method, "/api/v1/no/such/thing")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
