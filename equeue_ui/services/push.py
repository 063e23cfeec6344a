"""Web Push devices (issue 17): the server's VAPID key and each browser's subscription.

A browser that subscribes hands over its push service's address (the endpoint) and the keys
its messages are encrypted with (RFC 8291). A subscription belongs to the signed-in session it
was made in: signing that browser out deletes it with the session (a foreign key), so a phone
that someone else signs in on next never gets the previous owner's calls.

The endpoint is an address a browser sent, so it is checked like any address a person typed
(equeue_ui/fetch_guard.py): https only, and the host must be public when a push is sent
(``EQUEUE_PUSH_ALLOW_HOSTS`` admits the tests' loopback push service).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import PushSubscription, Session
from equeue_ui import fetch_guard, runtime
from equeue_ui.data_dir import PRIVATE_FILE_MODE, ensure_private_dir, ensure_private_file
from equeue_ui.errors import InvalidError, NotFoundError, invalid
from equeue_ui.services import permissions
from equeue_ui.services.accounts import hash_token
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import scrub
from equeue_ui.services.views import UserView

VAPID_KEY_FILE = "vapid_private.pem"
MAX_ENDPOINT_LENGTH = 2048
USER_AGENT_LENGTH = 512
P256_POINT_BYTES = 65  # an uncompressed P-256 public key: 0x04, x, y
AUTH_SECRET_BYTES = 16


@dataclass(frozen=True)
class Device:
    """A subscribed browser as its owner sees it in their profile."""

    id: int
    user_agent: str
    created_at: datetime
    last_success_at: datetime | None
    this_browser: bool


# --- the server's key ---------------------------------------------------------------------------


def vapid_key() -> Vapid02:
    """The key that signs every push: from settings, else generated once into the data folder."""
    settings = runtime.current().settings
    if settings.vapid_private_key:
        return _key_from_pem(settings.vapid_private_key.strip())
    return _key_in_folder(str(settings.data_dir.resolve()))


def public_key() -> str:
    """The key browsers subscribe with (``applicationServerKey``), base64url without padding."""
    raw = vapid_key().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@cache
def _key_from_pem(pem: str) -> Vapid02:
    return Vapid02.from_pem(pem.encode())


@cache
def _key_in_folder(folder: str) -> Vapid02:
    path = ensure_private_dir(Path(folder)) / VAPID_KEY_FILE
    if path.exists():
        return Vapid02.from_pem(ensure_private_file(path).read_bytes())
    key = Vapid02()
    key.generate_keys()
    path.touch(mode=PRIVATE_FILE_MODE)  # 0600 before the key is written
    path.write_bytes(key.private_pem())
    return key


# --- subscriptions ------------------------------------------------------------------------------


async def subscribe(
    *,
    actor: UserView,
    session_token: str | None,
    endpoint: str,
    p256dh: str,
    auth: str,
    user_agent: str = "",
) -> int:
    """Keep this browser's subscription for the actor, tied to their current session; its id.

    The same endpoint again (a browser subscribing anew, or another account signed in on it
    now) replaces the old row: one browser, one owner."""
    endpoint = check_endpoint(endpoint)
    _check_key(p256dh, P256_POINT_BYTES)
    _check_key(auth, AUTH_SECRET_BYTES)
    async with unit_of_work() as uow:
        await permissions.load_actor(uow.session, actor)
        session_id = await _session_id(uow.session, actor, session_token)
        await uow.session.execute(
            delete(PushSubscription).where(PushSubscription.endpoint == endpoint)
        )
        row = PushSubscription(
            user_id=actor.id,
            session_id=session_id,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            user_agent=scrub(user_agent)[:USER_AGENT_LENGTH],
        )
        uow.session.add(row)
        await uow.session.flush()
        return row.id


async def unsubscribe(endpoint: str, *, actor: UserView) -> bool:
    """Forget this browser's subscription (the switch turned off); False if there was none."""
    try:
        endpoint = check_endpoint(endpoint)
    except InvalidError:
        return False  # never stored, so nothing to forget
    async with unit_of_work() as uow:
        result = await uow.session.execute(
            delete(PushSubscription).where(
                PushSubscription.endpoint == endpoint, PushSubscription.user_id == actor.id
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


async def devices(*, actor: UserView, session_token: str | None = None) -> list[Device]:
    """The actor's subscribed browsers, newest first; ``this_browser`` marks the asking one."""
    current = hash_token(session_token) if session_token else None
    async with read_only() as session:
        rows = await session.execute(
            select(PushSubscription, Session.token_hash)
            .join(Session, Session.id == PushSubscription.session_id)
            .where(PushSubscription.user_id == actor.id)
            .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
        )
        return [
            Device(
                id=row.id,
                user_agent=row.user_agent,
                created_at=row.created_at,
                last_success_at=row.last_success_at,
                this_browser=token_hash == current,
            )
            for row, token_hash in rows
        ]


async def remove_device(device_id: int, *, actor: UserView) -> None:
    """Stop pushing to one of the actor's browsers (from the profile's list)."""
    async with unit_of_work() as uow:
        result = await uow.session.execute(
            delete(PushSubscription).where(
                PushSubscription.id == device_id, PushSubscription.user_id == actor.id
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            raise NotFoundError()


def check_endpoint(endpoint: str) -> str:
    """A push service's address as a browser gives it: an https URL this server may post to."""
    text = (endpoint or "").strip()
    # Push services' addresses are plain ASCII URLs; anything else is not one.
    if len(text) > MAX_ENDPOINT_LENGTH or not (text.isascii() and text.isprintable()):
        raise invalid("This browser's push address is not valid.")
    try:
        text = fetch_guard.check_url(text)
    except fetch_guard.FetchError as error:
        raise invalid("This browser's push address is not valid.") from error
    parts = urlsplit(text)
    allowed = fetch_guard.AllowList.parse(runtime.current().settings.push_allow_hosts)
    # Real push services are all https; plain http only for an admitted (test) host.
    if parts.scheme != "https" and not _admitted(allowed, parts.hostname or ""):
        raise invalid("This browser's push address is not valid.")
    return text


def _admitted(allowed: fetch_guard.AllowList, host: str) -> bool:
    if allowed.admits_host(host):
        return True
    try:
        return allowed.admits(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return False


def _check_key(value: str, size: int) -> None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise invalid("This browser's push keys are not valid.") from error
    if len(raw) != size or (size == P256_POINT_BYTES and raw[0] != 4):
        raise invalid("This browser's push keys are not valid.")


async def _session_id(session: AsyncSession, actor: UserView, token: str | None) -> int:
    found = (
        await session.scalar(
            select(Session.id).where(
                Session.token_hash == hash_token(token), Session.user_id == actor.id
            )
        )
        if token
        else None
    )
    if found is None:
        raise invalid("Sign in again to turn on notifications on this device.")
    return found
