"""`/metrics` on the real app: who may read it, and what moves when pages load and queues
change (pages/metrics.py, equeue_ui/metrics.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from nicegui import core
from nicegui.testing.user import User
from prometheus_client.parser import text_string_to_metric_families

from equeue_ui import runtime
from equeue_ui.services import queues
from tests.services.queue_world import make_queue_world
from tests.ui.helpers import eventually

TOKEN = "metrics-token-" + "z" * 24
REMOTE = ("203.0.113.7", 50_000)
LOOPBACK = ("127.0.0.1", 50_000)
Http = Callable[[tuple[str, int]], httpx.AsyncClient]


@pytest.fixture
def with_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EQUEUE_METRICS_TOKEN", TOKEN)


@pytest.fixture
def behind_a_trusted_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EQUEUE_TRUSTED_PROXIES", "127.0.0.1")


@pytest.fixture
async def http(user: User) -> AsyncIterator[Http]:
    """Plain requests to the app the ``user`` fixture started, from a peer address of choice."""
    made: list[httpx.AsyncClient] = []

    def from_peer(peer: tuple[str, int]) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=core.app, client=peer)
        client = httpx.AsyncClient(transport=transport, base_url="http://test")
        made.append(client)
        return client

    yield from_peer
    for client in made:
        await client.aclose()


async def scrape(http: Http) -> dict[str, float]:
    response = await http(LOOPBACK).get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = text_string_to_metric_families(response.text)
    return {
        sample.name + _labels(sample.labels): sample.value
        for family in families
        for sample in family.samples
    }


async def test_loopback_reads_the_metrics_and_a_page_load_counts(user: User, http: Http) -> None:
    before = await scrape(http)
    assert "equeue_open_pages" in before
    assert "equeue_db_pool_size{pool=main}" in before

    # A NiceGUI page (the sign-in page is plain HTML: it builds no page in memory).
    assert (await http(LOOPBACK).get("/register")).status_code == 200

    after = await scrape(http)
    loads = "equeue_page_load_seconds_count"
    assert after[loads] == before[loads] + 1
    assert after["equeue_pages_in_memory"] >= 1


async def test_a_queue_change_is_one_broadcast_timed_from_its_commit(
    user: User, http: Http
) -> None:
    rt = runtime.current()
    qw = await make_queue_world(rt)
    rt.hub.watch(qw.queue_id, lambda _snapshot: None)  # as an open queue page does
    await rt.hub.current(qw.queue_id)  # the first read goes out too, timed from nothing

    async def first_read_sent() -> bool:
        return (await scrape(http))["equeue_broadcasts_total"] == 1

    await eventually(first_read_sent, what="the first read's broadcast")
    before = await scrape(http)
    assert before[f"equeue_queue_viewers{{queue_id={qw.queue_id}}}"] == 1

    await queues.join_queue(qw.queue_id, actor=qw.students[0])

    async def broadcast() -> bool:
        return (await scrape(http))["equeue_broadcasts_total"] > before["equeue_broadcasts_total"]

    await eventually(broadcast, what="the change's broadcast")
    after = await scrape(http)
    latency = "equeue_broadcast_latency_seconds_count"
    assert after[latency] == before[latency] + 1
    assert after["equeue_snapshot_loads_total"] > before["equeue_snapshot_loads_total"]


async def test_a_remote_client_is_refused(user: User, http: Http) -> None:
    response = await http(REMOTE).get("/metrics")

    assert response.status_code == 403
    assert "equeue_" not in response.text


async def test_a_remote_client_forwarded_by_a_local_proxy_nobody_trusts_is_refused(
    user: User, http: Http
) -> None:
    response = await http(LOOPBACK).get("/metrics", headers={"X-Forwarded-For": REMOTE[0]})

    assert response.status_code == 403


async def test_a_remote_client_forwarded_by_a_trusted_proxy_is_refused(
    behind_a_trusted_proxy: None, user: User, http: Http
) -> None:
    forwarded = {"X-Forwarded-For": f"127.0.0.1, {REMOTE[0]}"}  # the first hop is the client's

    assert (await http(LOOPBACK).get("/metrics", headers=forwarded)).status_code == 403
    assert (await http(LOOPBACK).get("/metrics")).status_code == 200  # the machine itself


async def test_the_metrics_token_admits_a_remote_scraper(
    with_token: None, user: User, http: Http
) -> None:
    response = await http(REMOTE).get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert "equeue_broadcasts_total" in response.text
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(f"Bearer {TOKEN[:-1]}x", id="wrong-token"),
        pytest.param(f"Bearer {TOKEN}z", id="longer-token"),
        pytest.param(f"Basic {TOKEN}", id="other-scheme"),
        pytest.param("Bearer ", id="empty-token"),
    ],
)
async def test_a_wrong_token_is_refused(
    with_token: None, user: User, http: Http, authorization: str
) -> None:
    response = await http(REMOTE).get("/metrics", headers={"Authorization": authorization})

    assert response.status_code == 403


async def test_without_a_configured_token_no_token_admits_anyone(user: User, http: Http) -> None:
    response = await http(REMOTE).get("/metrics", headers={"Authorization": "Bearer "})

    assert response.status_code == 403


async def test_openmetrics_is_served_when_the_scraper_asks_for_it(user: User, http: Http) -> None:
    response = await http(LOOPBACK).get(
        "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f"{key}={value}" for key, value in sorted(labels.items())) + "}"
