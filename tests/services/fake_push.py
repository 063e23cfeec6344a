"""A push service on loopback that checks what a real one would, and opens what a browser would.

For each subscription it makes (:meth:`FakePushService.subscription`) it holds the browser's
side: a P-256 key pair and a 16-byte auth secret. A message posted to it must carry a valid
VAPID token (an ES256 JWT for this service's origin, not expired, signed by the key in ``k``,
RFC 8292); its body is decrypted as ``aes128gcm`` (RFC 8291) with the subscription's private
key by http_ece, as a browser would. The answer is 201, or what the test asks for (410: the
browser unsubscribed; ``hang``: never answer).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One subscribed browser: the keys only it has."""

    path: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )


@dataclass(frozen=True)
class Received:
    path: str
    message: dict[str, Any]  # the decrypted JSON
    headers: dict[str, str]
    vapid_key: str  # ``k`` of the Authorization header
    claims: dict[str, Any]
    at: float  # time.monotonic()


@dataclass
class FakePushService:
    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why a request was not accepted
    answer: int = 201
    started: int = 0  # requests that reached the service, answered or not
    hang: bool = False
    _browsers: dict[str, Browser] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _released: asyncio.Event = field(default_factory=asyncio.Event)  # ends a hang

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def subscription(self, name: str) -> Browser:
        browser = Browser(f"/push/{name}", ec.generate_private_key(ec.SECP256R1()), os.urandom(16))
        self._browsers[browser.path] = browser
        return browser

    def endpoint(self, browser: Browser) -> str:
        return self.origin + browser.path

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/push/{name}", self._push)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._released.set()  # else aiohttp's clean-up waits a minute for a hanging answer
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, count: int) -> list[Received]:
        while len(self.received) + len(self.refused) < count:
            self._arrived.clear()
            await self._arrived.wait()
        assert not self.refused, self.refused
        return self.received

    async def _push(self, request: web.Request) -> web.Response:
        self.started += 1
        try:
            if self.hang:
                await self._released.wait()
                return web.Response(status=503)
            browser = self._browsers.get(request.path)
            if browser is None:
                return self._refuse("unknown subscription", 404)
            try:
                key, claims = self._check_vapid(request.headers.get("Authorization", ""))
            except (ValueError, KeyError) as error:
                return self._refuse(f"bad VAPID: {error}", 401)
            if request.headers.get("Content-Encoding") != "aes128gcm":
                return self._refuse("not aes128gcm", 400)
            plain = http_ece.decrypt(
                await request.read(),
                private_key=browser.private_key,
                auth_secret=browser.auth,
                version="aes128gcm",
            )
            self.received.append(
                Received(
                    request.path,
                    json.loads(plain),
                    dict(request.headers),
                    key,
                    claims,
                    time.monotonic(),
                )
            )
            return web.Response(status=self.answer)
        finally:
            self._arrived.set()

    def _refuse(self, reason: str, status: int) -> web.Response:
        self.refused.append(reason)
        return web.Response(status=status)

    def _check_vapid(self, header: str) -> tuple[str, dict[str, Any]]:
        scheme, _, rest = header.partition(" ")
        if scheme != "vapid":
            raise ValueError(f"scheme {scheme!r}")
        parts = dict(item.strip().split("=", 1) for item in rest.split(","))
        token, key = parts["t"], parts["k"]
        head_b64, claims_b64, signature_b64 = token.split(".")
        head = json.loads(unb64url(head_b64))
        if head.get("alg") != "ES256":
            raise ValueError(f"alg {head.get('alg')!r}")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        raw = unb64url(signature_b64)
        signature = encode_dss_signature(
            int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        )
        # Raises InvalidSignature (a ValueError's sibling): caught by the caller as a refusal.
        try:
            public.verify(signature, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except Exception as error:
            raise ValueError("signature does not verify") from error
        claims = json.loads(unb64url(claims_b64))
        if claims["aud"] != self.origin:
            raise ValueError(f"aud {claims['aud']!r}")
        if not time.time() < claims["exp"] <= time.time() + 24 * 3600:
            raise ValueError("exp")
        if not str(claims["sub"]).startswith(("mailto:", "https:")):
            raise ValueError("sub")
        return key, claims
