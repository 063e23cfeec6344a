"""The one way the server fetches an address a person typed (timetable import, eCourses, pictures).

Whoever types an address makes this server connect to it from inside its network, so:

- only http and https, without a user name or password in the address;
- the host is resolved here and refused when any of its addresses is not a public internet
  address (loopback, private, link-local, multicast, unspecified, reserved, shared, and the
  IPv6 forms that carry one of those) unless ``EQUEUE_FETCH_ALLOW_HOSTS`` admits it. The check
  runs where the connection is made (an httpcore network backend), and the connection goes to
  the address that was checked, so DNS cannot answer differently between check and connect;
  the URL's host name still goes into the Host header and TLS (SNI and certificate checks);
- redirects are followed here, a few at most, each hop checked again;
- one deadline for the whole fetch (resolving, connecting, every hop, every byte), so a server
  that drips its answer cannot stretch it, and a cap on the bytes read;
- one message, :data:`CANNOT_FETCH`, for a refused address, an unknown host, a closed port, a
  broken TLS handshake…: the answer never tells which internal addresses or ports exist. A
  timeout or a too-large answer can only come from an admitted host and says so.

The reason for a refusal is logged at INFO, with the address shown without credentials or query.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import typing
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

from equeue_ui import runtime
from equeue_ui.errors import InvalidError
from equeue_ui.i18n import msg, msg_n

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

CANNOT_FETCH = msg("Cannot fetch this address.")
MAX_URL_LENGTH = 2048
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Not public although Python's ``is_global`` says so, in the versions we run on.
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(net)
    for net in ("100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "64:ff9b:1::/48", "fec0::/10")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# What httpcore raises on a failed connection or a broken answer (our transport does not map
# them to httpx's exceptions).
_HTTPCORE_FAILURES = (
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpcore.ConnectionNotAvailable,
)


class FetchError(InvalidError):
    """The address cannot be fetched: refused, unknown, unreachable, closed, broken TLS…"""

    default = CANNOT_FETCH


class FetchTimeout(FetchError):
    """An admitted host did not finish answering before the deadline."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            msg_n(
                "The address did not answer within {n:g} second.",
                "The address did not answer within {n:g} seconds.",
                seconds,
            )
        )


class FetchTooLarge(FetchError):
    """An admitted host answered with more bytes than the caller accepts."""

    default = msg("The answer at this address is too large.")


class AddressRefused(Exception):
    """A target this module will not connect to; raised inside, it never leaves
    :func:`fetch` (which turns it into :class:`FetchError`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FetchResult:
    url: str  # the address that answered (after redirects)
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def is_redirect(self) -> bool:
        return self.status in _REDIRECTS and "location" in self.headers


@dataclass(frozen=True)
class AllowList:
    """Intranet targets an operator admits: host names (exact) and addresses or networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            text = entry.strip().strip("[]")
            if not text:
                continue
            try:
                networks.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                hosts.add(_host_key(text))
        return cls(frozenset(hosts), tuple(networks))

    def including(self, hosts: Iterable[str]) -> AllowList:
        extra = AllowList.parse(hosts)
        return AllowList(self.hosts | extra.hosts, self.networks + extra.networks)

    def admits_host(self, host: str) -> bool:
        return _host_key(host) in self.hosts

    def admits(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self.networks)


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` is not a public internet address, or None when it is one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in _NAT64 else None
        )
        if embedded is not None:  # decided by the IPv4 address it stands for
            reason = refusal(embedded)
            return f"{reason} (inside {address})" if reason else None
        if address.sixtofour is not None and refusal(address.sixtofour):
            return f"6to4 form of {address.sixtofour}"
        if address.is_site_local:
            return "site-local"
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        (
            "not public",
            any(address in net for net in _NOT_PUBLIC if net.version == address.version),
        ),
        ("not global", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (the system resolver, off the event loop)."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    found: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        # An IPv6 link-local answer may carry a zone ("fe80::1%eth0"): the address decides.
        found[ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])] = None
    return list(found)


async def vetted_addresses(host: str, port: int, allow: AllowList) -> list[IPAddress]:
    """The addresses to connect to for ``host``; :class:`AddressRefused` when any of them is
    neither public nor admitted. The resolved address is checked, not the spelling:
    ``2130706433``, ``0x7f.1`` and ``017700000001`` all resolve to 127.0.0.1."""
    try:
        addresses = await resolve(host, port)
    except (OSError, UnicodeError) as error:
        raise AddressRefused(f"cannot resolve {host}: {error}") from error
    if not addresses:
        raise AddressRefused(f"{host} has no address")
    if not allow.admits_host(host):
        for address in addresses:
            reason = None if allow.admits(address) else refusal(address)
            if reason:
                raise AddressRefused(f"{host} resolves to {address}: {reason}")
    return addresses


async def fetch(
    url: str,
    *,
    max_bytes: int,
    deadline: float,
    accept: str = "*/*",
    method: str = "GET",
    data: Mapping[str, str] | None = None,
    max_redirects: int = 5,
    allow: AllowList | None = None,
    trusted_hosts: Iterable[str] = (),
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> FetchResult:
    """Fetch ``url`` within ``deadline`` seconds in total and at most ``max_bytes`` of body.

    Redirects are followed (``max_redirects`` at most; with 0 the redirect is the result);
    ``data`` is sent form-encoded. ``allow`` defaults to ``EQUEUE_FETCH_ALLOW_HOSTS``;
    ``trusted_hosts`` admits more hosts for this call (an address the operator configured).
    ``content`` is a raw body (a push message) sent with ``headers`` added; it is not sent on
    after a redirect.
    Raises :class:`FetchError` (one message), :class:`FetchTimeout` or :class:`FetchTooLarge`.
    """
    policy = (allow if allow is not None else configured_allow_list()).including(trusted_hosts)
    current = check_url(url)
    try:
        async with asyncio.timeout(deadline), _client(policy, deadline) as client:
            for hop in range(max_redirects + 1):
                result = await _one(
                    client, method, current, data, accept, max_bytes, content, headers
                )
                if not result.is_redirect or max_redirects == 0:
                    return result
                if hop == max_redirects:
                    raise AddressRefused(f"more than {max_redirects} redirects")
                current = check_url(str(httpx.URL(current).join(result.headers["location"])))
                method, data = _after_redirect(result.status, method, data)
                content = None
    except (TimeoutError, httpx.TimeoutException, httpcore.TimeoutException) as error:
        log.info("fetch of %s: no answer within %gs", shown_in_log(current), deadline)
        raise FetchTimeout(deadline) from error
    except AddressRefused as refused:
        log.info("fetch of %s refused: %s", shown_in_log(current), refused.reason)
        raise FetchError() from refused
    except (httpx.HTTPError, *_HTTPCORE_FAILURES, OSError) as error:
        log.info("fetch of %s failed: %s", shown_in_log(current), type(error).__name__)
        raise FetchError() from error
    raise AssertionError("unreachable")  # pragma: no cover


def check_url(url: str) -> str:
    """``url`` trimmed, when it is one this server may fetch; an http(s) address with a host,
    no credentials and a valid port. Says why not otherwise."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:  # a bad port or a malformed IPv6 host
        raise FetchError() from error
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(msg("A link must start with http:// or https://."))
    if parts.username is not None or parts.password is not None:
        raise FetchError(msg("An address with a user name or password cannot be fetched."))
    if port == 0 or len(text) > MAX_URL_LENGTH:
        raise FetchError()
    return text


def configured_allow_list() -> AllowList:
    """``EQUEUE_FETCH_ALLOW_HOSTS`` of the running app; nothing admitted outside one."""
    try:
        settings = runtime.current().settings
    except RuntimeError:  # not started (a script, a test of a client on its own)
        return AllowList()
    return AllowList.parse(settings.fetch_allow_hosts)


def shown_in_log(url: str) -> str:
    """The address for a log line: no credentials, no query (it may hold a token)."""
    try:
        parts = urlsplit(url)
        netloc = parts.hostname or ""
        if ":" in netloc:
            netloc = f"[{netloc}]"
        if parts.port:
            netloc += f":{parts.port}"
    except ValueError:
        return "(malformed address)"
    return f"{parts.scheme}://{netloc}{parts.path}"


# --- helpers ------------------------------------------------------------------------------------


async def _one(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    data: Mapping[str, str] | None,
    accept: str,
    max_bytes: int,
    content: bytes | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> FetchResult:
    headers = {**(extra_headers or {}), "Accept": accept, "Accept-Encoding": "identity"}
    async with client.stream(method, url, data=data, content=content, headers=headers) as response:
        if response.status_code in _REDIRECTS:
            return FetchResult(url, response.status_code, response.headers, b"")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchTooLarge()
        if response.headers.get("content-encoding", "identity").lower() != "identity":
            # Asked for none: decoding what came anyway could inflate past the cap in one step.
            raise AddressRefused(f"unasked content encoding {response.headers['content-encoding']}")
        body = bytearray()
        async for chunk in response.aiter_raw():
            body += chunk
            if len(body) > max_bytes:
                raise FetchTooLarge()
        return FetchResult(url, response.status_code, response.headers, bytes(body))


def _after_redirect(
    status: int, method: str, data: Mapping[str, str] | None
) -> tuple[str, Mapping[str, str] | None]:
    # As browsers do: 303 (and 301/302 after a POST) continue with a GET without the body.
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        return "GET", None
    return method, data


def _client(policy: AllowList, deadline: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=_GuardedTransport(policy),
        timeout=httpx.Timeout(deadline),
        follow_redirects=False,
        # No proxies or .netrc from the environment: a proxy would fetch what we refuse.
        trust_env=False,
    )


def _host_key(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves and checks every host httpcore connects to, then connects to those addresses."""

    def __init__(self, allow: AllowList) -> None:
        self._allow = allow
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # The checked addresses, not the name: a second lookup could answer differently.
        *others, last = await vetted_addresses(host, port, self._allow)
        for address in others:
            with contextlib.suppress(httpcore.ConnectError):
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
        return await self._inner.connect_tcp(
            str(last), port, timeout, local_address, socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("a unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncBaseTransport):
    """httpx over an httpcore pool with the guarded backend (httpx's own transport takes no
    network backend)."""

    def __init__(self, allow: AllowList) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_GuardedBackend(allow)
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        answer = await self._pool.handle_async_request(
            httpcore.Request(
                method=request.method,
                url=httpcore.URL(
                    scheme=request.url.raw_scheme,
                    host=request.url.raw_host,
                    port=request.url.port,
                    target=request.url.raw_path,
                ),
                headers=request.headers.raw,
                content=request.stream,
                extensions=request.extensions,
            )
        )
        assert isinstance(answer.stream, typing.AsyncIterable)
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream),
            extensions=answer.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


class _Body(httpx.AsyncByteStream):
    def __init__(self, stream: typing.AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()
