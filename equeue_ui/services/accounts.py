"""Accounts and sessions: local users with argon2id passwords, server-side sessions."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Group, LoginTicket, Session, User
from db.types import utcnow
from equeue_ui.errors import (
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    invalid,
)
from equeue_ui.events import SessionsRevoked, UserChanged
from equeue_ui.i18n import LANGUAGES, msg
from equeue_ui.services import (
    appearances,
    audit,
    passwords,
    permissions,
    sign_in_throttle,
    site,
    status_line,
)
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import (
    clean_credential,
    clean_person_name,
    clean_search,
    scrub,
)
from equeue_ui.services.views import UserView

SESSION_LIFETIME = timedelta(days=30)
# Sliding expiry is refreshed at most this often, so page loads do not all write.
SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
TICKET_LIFETIME = timedelta(minutes=2)
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")
ECOURSES_SUFFIX = "@ecourses"

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the username does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

USERNAME_TAKEN = msg("This username is taken.")
COOKIES_NEEDED = msg(
    "Signing in needs cookies, and this browser sent none. Allow cookies for this site and "
    "try again."
)
OTHER_BROWSER = msg(
    "This sign-in was started in another browser (or this browser's cookies were cleared). "
    "Sign in here again."
)


@dataclass(frozen=True)
class SignedIn:
    user: UserView
    token: str


def hash_token(token: str) -> str:
    # surrogatepass: any text someone sends hashes (and then matches nothing) instead of failing.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _check_username(username: str) -> str:
    """The canonical (lower-case) username: the unique constraint then ignores letter case."""
    name = username.strip()
    if not USERNAME_PATTERN.fullmatch(name):
        raise invalid("A username has 3 to 150 characters: Latin letters, digits and . _ @ + -")
    name = name.lower()
    if name.endswith(ECOURSES_SUFFIX):
        # Reserved for accounts made by eCourses sign-in, so no one can pose as one.
        raise invalid("Usernames ending in {suffix} are reserved.", suffix=ECOURSES_SUFFIX)
    return name


def _clean_person_name(value: str) -> str:
    return clean_person_name(value, max_length=100)


async def register(
    username: str,
    password: str,
    *,
    first_name: str = "",
    last_name: str = "",
    enforce_setting: bool = True,
    address: str = "",
) -> UserView:
    """Create a local account; refused when registration is switched off, the name is taken,
    or too many accounts were registered from ``address`` lately."""
    name = _check_username(username)
    passwords.check_new_password(password, username=name)
    first, last = _clean_person_name(first_name), _clean_person_name(last_name)
    await sign_in_throttle.reserve_registration(address)
    password_hash = await _hash(password)
    async with unit_of_work(conflict=USERNAME_TAKEN) as uow:
        if enforce_setting and not await site.registration_enabled(uow.session):
            raise ForbiddenError(msg("Registration is switched off on this site."))
        if await _find_user(uow.session, name) is not None:
            raise ConflictError(USERNAME_TAKEN)
        user = User(username=name, password_hash=password_hash, first_name=first, last_name=last)
        uow.session.add(user)
        await uow.session.flush()
        return UserView.of(user)


async def create_admin(username: str, password: str) -> UserView:
    """From the command line: create a site admin, or make an existing user one."""
    name = _check_username(username)
    passwords.check_new_password(password, username=name)
    async with unit_of_work(conflict=USERNAME_TAKEN) as uow:
        user = await _find_user(uow.session, name)
        if user is None:
            user = User(username=name, first_name="", last_name="")
            uow.session.add(user)
        user.password_hash = await _hash(password)
        user.is_site_admin = True
        user.blocked = False
        await uow.session.flush()
        return UserView.of(user)


async def sign_in(
    username: str,
    password: str,
    *,
    binding: str,
    address: str = "",
    device: sign_in_throttle.TrustedDevice | None = None,
) -> str:
    """Check a password; returns a one-time ticket that :func:`redeem_ticket` turns into a
    session in the browser holding ``binding`` (its sign-in cookie). The attempt is counted
    before the password is checked (services/sign_in_throttle.py)."""
    name, password = clean_credential(username).strip(), clean_credential(password)
    async with read_only() as session:
        user = await _find_user(session, name)
    known_device = device is not None and user is not None and device.user_id == user.id
    trusted = device if known_device else None
    attempt = await sign_in_throttle.reserve_sign_in(name, address, device=trusted)
    if not await _password_matches(user.password_hash if user else None, password):
        raise AuthenticationError()
    assert user is not None
    await sign_in_throttle.forgive(attempt)
    if user.blocked:
        raise ForbiddenError(msg("This account is blocked. Contact the site administrator."))
    return await issue_ticket(user.id, binding=binding)


async def issue_ticket(user_id: int, *, binding: str) -> str:
    """A one-time code, valid briefly, that proves a sign-in just happened in the browser whose
    sign-in cookie is ``binding``."""
    if not binding:
        raise ForbiddenError(COOKIES_NEEDED)
    ticket = secrets.token_urlsafe(32)
    async with unit_of_work() as uow:
        await uow.session.execute(delete(LoginTicket).where(LoginTicket.expires_at < utcnow()))
        uow.session.add(
            LoginTicket(
                ticket_hash=hash_token(ticket),
                user_id=user_id,
                expires_at=utcnow() + TICKET_LIFETIME,
                binding_hash=hash_token(binding),
            )
        )
    return ticket


async def redeem_ticket(
    ticket: str, *, binding: str, address: str = "", user_agent: str = ""
) -> SignedIn:
    """Exchange a sign-in ticket (once) for a new session, in the browser it was made for only:
    a link to it opened in another browser (sent by someone else) signs nobody in."""
    async with unit_of_work() as uow:
        found = await uow.session.scalar(
            select(LoginTicket).where(LoginTicket.ticket_hash == hash_token(ticket))
        )
        if found is None or found.expires_at <= utcnow():
            raise AuthenticationError(msg("The sign-in link has expired. Sign in again."))
        await uow.session.delete(found)  # used up either way: a ticket never gets a second try
        this_browser = bool(binding) and hmac.compare_digest(
            found.binding_hash, hash_token(binding)
        )
        if this_browser:
            user = await uow.session.get(User, found.user_id)
            if user is None or user.blocked:
                raise ForbiddenError(
                    msg("This account is blocked. Contact the site administrator.")
                )
            token = secrets.token_urlsafe(32)
            now = utcnow()
            uow.session.add(
                Session(
                    token_hash=hash_token(token),
                    user_id=user.id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + SESSION_LIFETIME,
                    user_agent=scrub(user_agent)[:512],
                    address=scrub(address)[:64],
                )
            )
            signed_in = SignedIn(UserView.of(user), token)
    if not this_browser:
        raise ForbiddenError(OTHER_BROWSER)
    return signed_in


# Built once: every page load runs it (see queues._PAGE_ROWS).
_SESSION_USER = (
    select(Session, User)
    .join(User, User.id == Session.user_id)
    .where(Session.token_hash == bindparam("token_hash"))
)


async def user_for_session(token: str | None) -> UserView | None:
    """The signed-in user of a session token, or None when it is unknown, expired or blocked."""
    if not token:
        return None
    now = utcnow()
    async with read_only() as session:
        row = await session.execute(_SESSION_USER, {"token_hash": hash_token(token)})
        found = row.first()
    if found is None:
        return None
    stored, user = found
    if stored.expires_at <= now or user.blocked:
        return None
    if now - stored.last_seen_at >= SESSION_TOUCH_INTERVAL:
        async with unit_of_work() as uow:
            fresh = await uow.session.get(Session, stored.id)
            if fresh is not None:
                fresh.last_seen_at, fresh.expires_at = now, now + SESSION_LIFETIME
    return UserView.of(user)


async def sign_out(token: str) -> None:
    async with unit_of_work() as uow:
        await uow.session.execute(delete(Session).where(Session.token_hash == hash_token(token)))


async def sign_out_everywhere(*, actor: UserView) -> int:
    """End every session of the actor; returns how many were ended."""
    async with unit_of_work() as uow:
        result = await uow.session.execute(delete(Session).where(Session.user_id == actor.id))
        uow.emit(SessionsRevoked(actor.id))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def get_user(user_id: int) -> UserView:
    async with read_only() as session:
        user = await session.get(User, user_id)
        if user is None:
            raise ForbiddenError(msg("Your account is blocked or no longer exists."))
        return UserView.of(user)


async def set_group(group_id: int, *, actor: UserView) -> UserView:
    """Choose one's study group; emits UserChanged (open pages show the group's workspaces)."""
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        if await uow.session.get(Group, group_id) is None:
            raise invalid("This group does not exist.")
        if user.group_id != group_id:
            user.group_id = group_id
            uow.emit(UserChanged(user.id))
        return UserView.of(user)


async def set_preferences(
    *, actor: UserView, language: str | None = None, dark_mode: bool | None = None
) -> UserView:
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        if language is not None:
            if language not in LANGUAGES:
                raise invalid("This language is not available.")
            user.language = language
        if dark_mode is not None:
            user.dark_mode = dark_mode
        return UserView.of(user)


def names_from_ecourses(user: UserView) -> bool:
    """Whether the user's names follow eCourses (an account eCourses made): they are refreshed
    at each eCourses sign-in, so changing them here would not last (issue 10)."""
    return user.from_ecourses and not user.has_password


async def update_profile(
    *, actor: UserView, first_name: str, last_name: str, status_text: str = ""
) -> UserView:
    """Set one's names and status line. Emits UserChanged, and every queue and member list
    the person appears in shows the new name at once (a new queue version, MembershipChanged).
    Names of an account eCourses made stay as eCourses gives them."""
    first, last = _clean_person_name(first_name), _clean_person_name(last_name)
    status = status_line.clean_status(status_text)
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        renamed = (first, last) != (user.first_name, user.last_name)
        if renamed and names_from_ecourses(UserView.of(user)):
            raise ForbiddenError(msg("Your name comes from eCourses and changes there, not here."))
        changed = renamed or status != user.status_text
        user.first_name, user.last_name, user.status_text = first, last, status
        if changed:
            await appearances.show_changed_person(uow, user.id)
            uow.emit(UserChanged(user.id))
        return UserView.of(user)


async def change_password(
    current: str, new: str, *, actor: UserView, session_token: str | None = None
) -> None:
    """Set a new password; every other session of the user ends (the one of ``session_token``
    stays). Emits SessionsRevoked."""
    current = clean_credential(current)
    passwords.check_new_password(new, username=actor.username)
    async with read_only() as session:
        stored = await permissions.load_actor(session, actor)
    if not await _password_matches(stored.password_hash, current):
        raise AuthenticationError(msg("The current password is wrong."))
    new_hash = await _hash(new)
    kept = hash_token(session_token) if session_token else None
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        user.password_hash = new_hash
        others = delete(Session).where(Session.user_id == user.id)
        if kept is not None:
            others = others.where(Session.token_hash != kept)
        await uow.session.execute(others)
        uow.emit(SessionsRevoked(user.id, kept_session=kept))


async def _find_user(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.username) == username.lower()))


async def new_password_hash(password: str, *, username: str) -> str:
    """The hash to store for a new password of ``username``, if the password rules allow it
    (services/passwords.py); an InvalidError saying why not otherwise."""
    return await _hash(passwords.check_new_password(password, username=username))


async def _hash(password: str) -> str:
    # argon2 takes tens of milliseconds of CPU: off the event loop, so other pages stay live.
    return await asyncio.to_thread(_hasher.hash, password)


async def _password_matches(password_hash: str | None, password: str) -> bool:
    def verify() -> bool:
        try:
            matches = _hasher.verify(password_hash or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return False
        return matches and password_hash is not None

    return await asyncio.to_thread(verify)


async def set_roles(
    user_id: int, *, actor: UserView, teacher: bool | None = None, site_admin: bool | None = None
) -> UserView:
    """Site admins grant or take away the teacher and site admin roles; audited, emits
    UserChanged."""
    async with unit_of_work() as uow:
        admin = await permissions.load_actor(uow.session, actor)
        permissions.ensure_site_admin(admin)
        user = await uow.session.get(User, user_id)
        if user is None:
            raise invalid("This user does not exist.")
        if site_admin is False and user.id == admin.id:
            raise ConflictError(msg("You cannot take away your own site admin role."))
        if teacher is not None:
            user.is_teacher = teacher
        if site_admin is not None:
            user.is_site_admin = site_admin
        audit.record(
            uow.session,
            admin,
            "user.roles",
            user.username,
            teacher=user.is_teacher,
            site_admin=user.is_site_admin,
        )
        uow.emit(UserChanged(user.id))
        return UserView.of(user)


async def set_blocked(user_id: int, blocked: bool, *, actor: UserView) -> UserView:
    """Site admins block or unblock a user; a blocked user's sessions end at once. Audited;
    emits SessionsRevoked (on blocking) and UserChanged."""
    async with unit_of_work() as uow:
        admin = await permissions.load_actor(uow.session, actor)
        permissions.ensure_site_admin(admin)
        user = await uow.session.get(User, user_id)
        if user is None:
            raise invalid("This user does not exist.")
        if user.id == admin.id and blocked:
            raise ConflictError(msg("You cannot block yourself."))
        user.blocked = blocked
        if blocked:
            await uow.session.execute(delete(Session).where(Session.user_id == user.id))
            uow.emit(SessionsRevoked(user.id))
        audit.record(uow.session, admin, "user.block" if blocked else "user.unblock", user.username)
        uow.emit(UserChanged(user.id))
        return UserView.of(user)


@dataclass(frozen=True)
class UserRow:
    user: UserView
    blocked: bool


async def search_users(query: str, *, actor: UserView, limit: int = 50) -> list[UserRow]:
    """Users whose username or name contains the query; site admins only."""
    text = clean_search(query).lower()
    async with read_only() as session:
        admin = await permissions.load_actor(session, actor)
        permissions.ensure_site_admin(admin)
        statement = select(User).order_by(User.username).limit(limit)
        if text:
            name = func.lower(User.first_name + " " + User.last_name)
            statement = statement.where(
                func.lower(User.username).contains(text, autoescape=True)
                | name.contains(text, autoescape=True)
            )
        return [
            UserRow(UserView.of(user), user.blocked) for user in await session.scalars(statement)
        ]


async def find_user(username: str) -> UserView | None:
    if not USERNAME_PATTERN.fullmatch(username.strip()):
        return None  # no account has such a name (and a NUL would upset PostgreSQL)
    async with read_only() as session:
        user = await _find_user(session, username)
        return None if user is None else UserView.of(user)
