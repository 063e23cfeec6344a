"""Signing in with an eCourses (Moodle) account, and linking one to a local account.

Accounts are matched only by the eCourses user id, never by username, so an eCourses sign-in
can never take over a local account. A new account gets the username ``<moodle name>@ecourses``
(local registration refuses that suffix), or ``<moodle name>.<id>@ecourses`` if that is taken.
Names and picture are refreshed at every sign-in (the picture itself is fetched in the
background, services/avatars.py); the token is stored encrypted and is used only
for imports.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User
from equeue_ui import runtime
from equeue_ui.ecourses import crypto
from equeue_ui.ecourses.client import EcoursesClient
from equeue_ui.ecourses.errors import EcoursesInvalidLogin, EcoursesTokenExpired
from equeue_ui.ecourses.models import SiteInfo
from equeue_ui.errors import ConflictError, ForbiddenError, invalid
from equeue_ui.i18n import msg
from equeue_ui.services import (
    account_merge,
    accounts,
    avatars,
    permissions,
    sign_in_throttle,
    site,
)
from equeue_ui.services.account_merge import MergeSummary
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import clean_credential, scrub_person_name
from equeue_ui.services.views import UserView

_NOT_USERNAME_CHARS = re.compile(r"[^a-z0-9_.+-]")
BLOCKED = msg("This account is blocked. Contact the site administrator.")


class EcoursesSignInNeeded(EcoursesTokenExpired):
    """The user has no usable eCourses token: they must sign in with eCourses first."""

    default = msg("Sign in with your eCourses account to import from eCourses.")


async def client() -> EcoursesClient:
    """A client for the configured eCourses; refused when eCourses is switched off. The
    operator's ``EQUEUE_ECOURSES_URL`` is trusted as it is (it may be an intranet or loopback
    address); an address a site admin typed in the site settings must pass the fetch guard."""
    config = await site.ecourses_config()
    if not config.enabled or not config.base_url:
        raise ForbiddenError(msg("Sign-in with eCourses is switched off on this site."))
    operator_url = (runtime.current().settings.ecourses_url or "").rstrip("/")
    return EcoursesClient(
        config.base_url,
        service=config.service,
        timeout=config.timeout_seconds,
        trusted=config.base_url == operator_url,
    )


async def sign_in_with_ecourses(
    username: str, password: str, *, binding: str, address: str = ""
) -> str:
    """Check the password with eCourses and create or refresh the account it belongs to;
    returns a ticket for the browser holding ``binding``, like :func:`accounts.sign_in`.
    Refused for blocked accounts; failures are rate-limited like local ones, and eCourses
    outages raise their own clear errors."""
    info, token = await _authenticate(username, password, address)
    async with unit_of_work() as uow:
        user = await uow.session.scalar(select(User).where(User.ecourses_user_id == info.userid))
        if user is None:
            user = User(
                username=await _free_username(uow.session, info),
                ecourses_user_id=info.userid,
                first_name="",
                last_name="",
            )
            uow.session.add(user)
        elif user.blocked:
            raise ForbiddenError(BLOCKED)
        # An account eCourses made follows eCourses' names; a local one linked to it keeps its.
        _refresh(user, info, token, names=user.password_hash is None)
        await uow.session.flush()
        user_id = user.id
    avatars.refresh_in_background(user_id)
    return await accounts.issue_ticket(user_id, binding=binding)


class EcoursesAccountTaken(ConflictError):
    """The eCourses account has an eQueue account of its own (made by signing in with eCourses
    earlier); :func:`connect_ecourses` with ``merge=True`` moves it into the actor's."""

    def __init__(self, summary: MergeSummary) -> None:
        super().__init__(
            msg(
                "This eCourses account already has an eQueue account of its own ({username}). "
                "You can move its workspaces, hand-ins and queue places into your account.",
                username=summary.source.username,
            )
        )
        self.summary = summary


async def connect_ecourses(
    username: str,
    password: str,
    *,
    actor: UserView,
    address: str = "",
    merge: bool = False,
    take_names: bool = False,
) -> UserView:
    """Link the actor's account to an eCourses account (or renew its token) by signing in to
    eCourses; the actor's names stay unless ``take_names``. When the eCourses account already has
    an eQueue account of its own, refused with :class:`EcoursesAccountTaken` — or, with
    ``merge``, that account is merged into the actor's (the eCourses password proves it is
    theirs) in the same transaction. Failures are rate-limited like sign-ins."""
    async with read_only() as session:
        await permissions.load_actor(session, actor)
    info, token = await _authenticate(username, password, address)
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        owner = await uow.session.scalar(select(User).where(User.ecourses_user_id == info.userid))
        if user.ecourses_user_id not in (None, info.userid):
            raise ConflictError(msg("Your account is linked to a different eCourses account."))
        if owner is not None and owner.id != user.id:
            if not merge:
                raise EcoursesAccountTaken(await account_merge.summarize(uow.session, owner, user))
            await account_merge.merge_into(uow, owner, user, actor=user)
        user.ecourses_user_id = info.userid
        _refresh(user, info, token, names=take_names)
        linked = UserView.of(user)
    avatars.refresh_in_background(linked.id)
    return linked


async def has_ecourses_token(*, actor: UserView) -> bool:
    """Whether imports can run for the actor without asking for an eCourses sign-in."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        return user_token(user) is not None


def user_token(user: User) -> str | None:
    """The user's eCourses token, decrypted; None without one (or after a secret change)."""
    if not user.ecourses_token_encrypted or user.ecourses_user_id is None:
        return None
    return crypto.decrypt_token(user.ecourses_token_encrypted, secret=_secret())


async def forget_token(user_id: int) -> None:
    """eCourses said the token is invalid or expired: drop it so the user is asked again."""
    async with unit_of_work() as uow:
        user = await uow.session.get(User, user_id)
        if user is not None:
            user.ecourses_token_encrypted = None


# --- helpers ----------------------------------------------------------------------------------


async def _authenticate(username: str, password: str, address: str) -> tuple[SiteInfo, str]:
    name, password = clean_credential(username).strip(), clean_credential(password)
    if not name or not password:
        raise invalid("Enter your eCourses username and password.")
    # The rate limit keeps this server from being used to guess eCourses passwords.
    key = f"{name.lower()}{accounts.ECOURSES_SUFFIX}"
    ecourses = await client()
    attempt = await sign_in_throttle.reserve_sign_in(key, address)
    try:
        token = await ecourses.get_token(name, password)
    except EcoursesInvalidLogin:
        raise  # counted: it was a wrong password
    except BaseException:
        await sign_in_throttle.cancel(attempt)  # eCourses said nothing about the password
        raise
    await sign_in_throttle.forgive(attempt)
    return await ecourses.site_info(token), token


def _refresh(user: User, info: SiteInfo, token: str, *, names: bool) -> None:
    if names:
        user.first_name = _person_name(info.firstname)
        user.last_name = _person_name(info.lastname)
    picture = info.userpictureurl.strip()
    user.avatar_url = picture if picture.startswith(("https://", "http://")) else None
    user.ecourses_token_encrypted = crypto.encrypt_token(token, secret=_secret())


def _person_name(value: str) -> str:
    return " ".join(scrub_person_name(value)[:100].split())


async def _free_username(session: AsyncSession, info: SiteInfo) -> str:
    base = _NOT_USERNAME_CHARS.sub("_", info.username.strip().lower())[:100] or "user"
    for candidate in (
        f"{base}{accounts.ECOURSES_SUFFIX}",
        f"{base}.{info.userid}{accounts.ECOURSES_SUFFIX}",
    ):
        taken = await session.scalar(select(User.id).where(func.lower(User.username) == candidate))
        if taken is None:
            return candidate
    return f"id{info.userid}{accounts.ECOURSES_SUFFIX}"


def _secret() -> str:
    return runtime.current().settings.resolved_secret
