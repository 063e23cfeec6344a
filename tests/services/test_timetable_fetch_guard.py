"""The group import's timetable address goes through the fetch guard (issue 13, point 8), shown
with real HTTP servers on loopback: internal targets are refused however they are spelled or
reached (a name resolving to loopback, a redirect), one deadline covers the whole fetch, the size
cap holds, and every failure to fetch reads the same."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from equeue_ui import fetch_guard
from equeue_ui.errors import InvalidError
from equeue_ui.runtime import Runtime
from equeue_ui.services import group_import
from equeue_ui.services.views import UserView
from tests.services import factories

CANNOT = "Cannot fetch this address."
NAMES = ["КИ21-16/2Б", "ФИ22-03Б"]
# A public-looking name the tests' resolver sends to loopback.
PUBLIC_NAME = "timetable.example"


@dataclass
class Timetable:
    """A loopback HTTP server; ``seen`` lists the paths it was asked for."""

    port: int
    seen: list[str] = field(default_factory=list)
    neighbour: str = ""  # the same server on 127.0.0.2, another loopback address

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
async def timetable() -> AsyncIterator[Timetable]:
    server = Timetable(0)

    async def groups(request: web.Request) -> web.StreamResponse:
        return web.json_response([{"name": name} for name in NAMES])

    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(request.query["to"])

    async def drip(request: web.Request) -> web.StreamResponse:
        # 30 bytes, one every 0.2 s: each read is quick, the whole answer takes 6 s.
        body = b" " * 28 + b"[]"
        response = web.StreamResponse(headers={"Content-Length": str(len(body))})
        await response.prepare(request)
        for byte in body:
            await asyncio.sleep(0.2)
            await response.write(bytes([byte]))
        return response

    async def endless_promise(request: web.Request) -> web.StreamResponse:
        # Says a gigabyte is coming, sends a little, then waits.
        response = web.StreamResponse(headers={"Content-Length": str(10**9)})
        await response.prepare(request)
        await response.write(b"[" * 10)
        await asyncio.sleep(30)
        return response

    async def big(request: web.Request) -> web.StreamResponse:
        # No Content-Length (chunked): only counting the bytes finds it too large.
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(50):
            await response.write(b" " * 1000)
        await response.write_eof()
        return response

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        server.seen.append(request.path)
        try:
            return await handler(request)
        except (ConnectionResetError, asyncio.CancelledError):
            raise web.HTTPGone() from None  # the client gave up: nothing to log

    app = web.Application(middlewares=[record])
    for path, handler in [
        ("/groups", groups),
        ("/redirect", redirect),
        ("/drip", drip),
        ("/promise", endless_promise),
        ("/big", big),
    ]:
        app.router.add_get(path, handler)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.port = runner.addresses[0][1]
    neighbour = web.TCPSite(runner, "127.0.0.2", 0)
    await neighbour.start()
    server.neighbour = f"http://127.0.0.2:{runner.addresses[1][1]}"
    try:
        yield server
    finally:
        await runner.cleanup()


@pytest.fixture
def public_name(monkeypatch: pytest.MonkeyPatch) -> str:
    """``timetable.example`` resolves to 127.0.0.1, as a hostile DNS answer could make it."""
    real = fetch_guard.resolve

    async def resolve(host: str, port: int) -> list[fetch_guard.IPAddress]:
        if host == PUBLIC_NAME:
            return [ipaddress.ip_address("127.0.0.1")]
        return await real(host, port)

    monkeypatch.setattr(fetch_guard, "resolve", resolve)
    return PUBLIC_NAME


def allow(rt: Runtime, *entries: str) -> None:
    rt.settings.fetch_allow_hosts = list(entries)


async def admin(rt: Runtime) -> UserView:
    return await factories.make_user(rt, "root", site_admin=True)


async def refusal_of(url: str, actor: UserView) -> str:
    with pytest.raises(InvalidError) as refused:
        await group_import.fetch_group_list(url, actor=actor)
    return refused.value.render("en")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_loopback_timetable_is_refused_unless_the_operator_allows_it(
    rt: Runtime, timetable: Timetable
) -> None:
    root = await admin(rt)
    assert await refusal_of(timetable.url("/groups"), root) == CANNOT
    assert timetable.seen == []

    allow(rt, "127.0.0.1")
    assert await group_import.fetch_group_list(timetable.url("/groups"), actor=root) == NAMES


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",
        "0x7f.1",
        "017700000001",
        "127.1",
        "0.0.0.0",
        "localhost",
        "[::ffff:127.0.0.1]",
    ],
)
async def test_every_spelling_of_loopback_is_refused_without_a_request(
    rt: Runtime, timetable: Timetable, host: str
) -> None:
    assert await refusal_of(timetable.url("/groups", host), await admin(rt)) == CANNOT
    assert timetable.seen == []


async def test_a_public_looking_name_that_resolves_to_loopback_is_refused(
    rt: Runtime, timetable: Timetable, public_name: str
) -> None:
    assert await refusal_of(timetable.url("/groups", public_name), await admin(rt)) == CANNOT
    assert timetable.seen == []


async def test_a_redirect_from_an_allowed_host_to_loopback_is_refused(
    rt: Runtime, timetable: Timetable, public_name: str
) -> None:
    allow(rt, public_name)
    root = await admin(rt)
    inside = timetable.url("/groups")
    assert await refusal_of(timetable.url(f"/redirect?to={inside}", public_name), root) == CANNOT
    assert timetable.seen == ["/redirect"]

    # A redirect that stays on the allowed host is followed.
    within = timetable.url("/groups", public_name)
    fetched = await group_import.fetch_group_list(
        timetable.url(f"/redirect?to={within}", public_name), actor=root
    )
    assert fetched == NAMES


async def test_each_redirect_hop_is_checked_against_the_allow_list(
    rt: Runtime, timetable: Timetable
) -> None:
    allow(rt, "127.0.0.1")
    neighbour = f"{timetable.neighbour}/groups"
    root = await admin(rt)
    assert await refusal_of(timetable.url(f"/redirect?to={neighbour}"), root) == CANNOT
    assert timetable.seen == ["/redirect"]

    allow(rt, "127.0.0.1", "127.0.0.2")
    fetched = await group_import.fetch_group_list(
        timetable.url(f"/redirect?to={neighbour}"), actor=root
    )
    assert fetched == NAMES


async def test_a_redirect_to_another_scheme_is_refused(rt: Runtime, timetable: Timetable) -> None:
    allow(rt, "127.0.0.1")
    message = await refusal_of(timetable.url("/redirect?to=file:///etc/passwd"), await admin(rt))
    assert "http:// or https://" in message


async def test_a_dripping_server_is_cut_at_the_one_deadline(
    rt: Runtime, timetable: Timetable, monkeypatch: pytest.MonkeyPatch
) -> None:
    allow(rt, "127.0.0.1")
    # Every single read comes well within a second; the whole answer would take six.
    monkeypatch.setattr(group_import, "FETCH_TIMEOUT", 1.0)
    message = await refusal_of(timetable.url("/drip"), await admin(rt))
    assert message == "The address did not answer within 1 second."


async def test_an_answer_announcing_more_than_the_cap_is_refused_at_once(
    rt: Runtime, timetable: Timetable, monkeypatch: pytest.MonkeyPatch
) -> None:
    allow(rt, "127.0.0.1")
    monkeypatch.setattr(group_import, "FETCH_TIMEOUT", 2.0)
    message = await refusal_of(timetable.url("/promise"), await admin(rt))
    assert message == "The list is too large (at most 5 MB)."


async def test_an_answer_growing_past_the_cap_is_refused(
    rt: Runtime, timetable: Timetable, monkeypatch: pytest.MonkeyPatch
) -> None:
    allow(rt, "127.0.0.1")
    monkeypatch.setattr(group_import, "MAX_BYTES", 20_000)
    message = await refusal_of(timetable.url("/big"), await admin(rt))
    assert message.startswith("The list is too large")


async def test_a_closed_port_and_a_refused_address_read_the_same(
    rt: Runtime, timetable: Timetable, public_name: str
) -> None:
    root = await admin(rt)
    refused = await refusal_of(timetable.url("/groups"), root)  # open, but loopback
    unknown = await refusal_of("http://no-such-host.invalid/groups", root)
    allow(rt, "127.0.0.1")
    closed = await refusal_of(f"http://127.0.0.1:{closed_port()}/groups", root)
    assert refused == unknown == closed == CANNOT


async def test_the_allow_list_comes_from_a_comma_separated_setting(
    rt: Runtime, timetable: Timetable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EQUEUE_FETCH_ALLOW_HOSTS", " intranet.example , 127.0.0.0/8")
    settings = type(rt.settings)(environment="test")
    assert settings.fetch_allow_hosts == ["intranet.example", "127.0.0.0/8"]
    monkeypatch.setenv("EQUEUE_FETCH_ALLOW_HOSTS", json.dumps(["127.0.0.1"]))
    rt.settings.fetch_allow_hosts = type(rt.settings)(environment="test").fetch_allow_hosts
    assert await group_import.fetch_group_list(timetable.url("/groups"), actor=await admin(rt)) == (
        NAMES
    )
