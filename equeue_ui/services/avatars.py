"""People's pictures: uploaded by the person, or their eCourses picture fetched by the server.

Every picture is opened by its content (never by a file name or a declared type), its pixel
count checked before it is decoded (a small file can declare a huge image), turned upright by
its EXIF orientation and re-encoded to a small square WebP without any metadata (no GPS
position or camera serial leaves the server). It is stored in ``UserPicture``; the user's
``picture_key`` is a digest of the stored bytes, so each version has an address of its own
that browsers may keep for good (pages/pictures.py). No picture → the initials avatar.

eCourses pictures need the user's token, so the browser never loads them from eCourses: the
server fetches them (through the fetch guard, only from the eCourses site itself, the token in
the request body), in the background after a sign-in, and keeps them with the address they came
from: the same address is not fetched again, and one that gave no usable image is remembered
as empty. An uploaded picture wins over the eCourses one.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from urllib.parse import urlsplit

from PIL import Image, ImageOps, UnidentifiedImageError

from db.models import User, UserPicture
from db.types import utcnow
from equeue_ui import fetch_guard, runtime
from equeue_ui.ecourses import crypto
from equeue_ui.errors import InvalidError, NotFoundError, invalid
from equeue_ui.events import UserChanged
from equeue_ui.services import appearances, permissions, site
from equeue_ui.services.uow import UnitOfWork, read_only, unit_of_work
from equeue_ui.services.views import UserView

log = logging.getLogger(__name__)

MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
# 40 megapixels: more than any phone camera; a bigger declared size is refused before decoding.
MAX_PIXELS = 40_000_000
SIZE = 256  # the stored square's side, in pixels
FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
CONTENT_TYPE = "image/webp"
UPLOAD = "upload"
ECOURSES = "ecourses"
# A picture fetch waits at most this long, in the background (sign-in never waits for it).
FETCH_SECONDS = 10.0

_refreshes: set[asyncio.Task[None]] = set()


# --- reading and re-encoding ------------------------------------------------------------------


def reencode(data: bytes) -> bytes:
    """``data`` as a ``SIZE``-pixel square WebP without metadata; :class:`InvalidError` with a
    message saying why when it is too large, not an image, too many pixels or broken."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise invalid("The picture is larger than {mb} MB.", mb=MAX_UPLOAD_MB)
    try:
        image = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
    except Image.DecompressionBombError as error:  # Pillow's own, far higher, limit
        raise invalid("The picture has too many pixels.") from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise invalid("This file is not a picture: choose a JPEG, PNG, WebP or GIF.") from error
    with image:
        # Image.open read only the header: the declared size is checked before any decoding.
        if image.width * image.height > MAX_PIXELS:
            raise invalid("The picture has too many pixels.")
        try:
            return _square_webp(image)
        except Exception as error:  # any decoder failure of a broken file: nothing is kept
            log.info("an unreadable picture: %s", type(error).__name__)
            raise invalid("The picture could not be read: the file may be damaged.") from error


def _square_webp(image: Image.Image) -> bytes:
    image.seek(0)  # a GIF's first frame
    upright = ImageOps.exif_transpose(image)
    mode = "RGBA" if upright.mode in ("RGBA", "LA", "P", "PA") else "RGB"
    converted = upright.convert(mode)
    square = ImageOps.fit(converted, (SIZE, SIZE), Image.Resampling.LANCZOS)
    # A fresh image: no EXIF, ICC profile, XMP or comment travels from the upload.
    clean = Image.new(mode, square.size)
    clean.paste(square)
    out = io.BytesIO()
    clean.save(out, "WEBP", quality=85, method=4)
    return out.getvalue()


def picture_key(image: bytes) -> str:
    return hashlib.sha256(image).hexdigest()[:32]


def address(user_id: int, key: str) -> str:
    """Where the browser loads a picture (pages/pictures.py serves it)."""
    return f"/pictures/{user_id}/{key}.webp"


# --- uploads ----------------------------------------------------------------------------------


async def upload_picture(data: bytes, *, actor: UserView) -> UserView:
    """Make ``data`` (an uploaded file) the actor's picture. Emits UserChanged (and
    QueueChanged for the queues the actor stands in, whose lists show the picture)."""
    image = await asyncio.to_thread(reencode, data)
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        await _store(uow, user, image, source=UPLOAD, source_url=None)
        return UserView.of(user)


async def remove_picture(*, actor: UserView) -> UserView:
    """The actor's picture goes; the initials avatar shows. The eCourses picture they had is
    not fetched again until eCourses names another one."""
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        if user.avatar_url:
            await _store(uow, user, b"", source=ECOURSES, source_url=user.avatar_url)
        else:
            found = await uow.session.get(UserPicture, user.id)
            if found is not None:
                await uow.session.delete(found)
            await _set_key(uow, user, None)
        return UserView.of(user)


async def picture(user_id: int, key: str) -> bytes | None:
    """The stored picture of ``user_id`` while ``key`` is its current key, else None."""
    try:
        async with read_only() as session:
            user = await session.get(User, user_id)
            if user is None or user.picture_key is None or user.picture_key != key:
                return None
            stored = await session.get(UserPicture, user_id)
            return stored.image if stored is not None and stored.image else None
    except NotFoundError:  # an id no row can have
        return None


# --- eCourses pictures ------------------------------------------------------------------------


def refresh_in_background(user_id: int) -> None:
    """Fetch the user's eCourses picture after this request (sign-in never waits for it)."""
    task = asyncio.get_running_loop().create_task(
        refresh_ecourses_picture(user_id), name="eCourses picture"
    )
    _refreshes.add(task)
    task.add_done_callback(_refreshes.discard)


async def background_refreshes(*, cancel: bool = False) -> None:
    """Wait for the pictures being fetched (tests), or end them (shutdown: ``cancel``)."""
    while _refreshes:
        running = list(_refreshes)
        if cancel:
            for task in running:
                task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


async def refresh_ecourses_picture(user_id: int) -> None:
    """Fetch and keep the user's eCourses picture, unless they uploaded one or it is the one
    kept already. A failed fetch (eCourses down or slow) keeps what there was and is tried at
    the next sign-in; an answer that is no usable image is remembered as empty."""
    try:
        async with read_only() as session:
            user = await session.get(User, user_id)
            if user is None or not user.avatar_url:
                return
            kept = await session.get(UserPicture, user_id)
            if kept is not None and (kept.source == UPLOAD or kept.source_url == user.avatar_url):
                return
            address, token = user.avatar_url, _token(user)
        if token is None:
            return
        image = await _fetch_ecourses_picture(address, token)
        if image is None:
            return
        async with unit_of_work() as uow:
            user = await uow.session.get(User, user_id)
            if user is None or user.avatar_url != address:
                return  # a newer sign-in named another picture: its own refresh fetches it
            kept = await uow.session.get(UserPicture, user_id)
            if kept is not None and kept.source == UPLOAD:
                return
            await _store(uow, user, image, source=ECOURSES, source_url=address)
    except NotFoundError:  # an id no row can have
        return
    except Exception:  # a background task: never let it fail silently, never let it spread
        log.exception("eCourses picture of user %s", user_id)


async def _fetch_ecourses_picture(address: str, token: str) -> bytes | None:
    """The re-encoded picture; ``b""`` when eCourses gave no usable image; None when it could
    not be asked (try again later)."""
    config = await site.ecourses_config()
    if not config.enabled or not config.base_url:
        return None
    url = service_address(address, config.base_url)
    if url is None:
        return b""  # Moodle's generic silhouette or another site: nothing of the person's
    operator_url = (runtime.current().settings.ecourses_url or "").rstrip("/")
    trusted = (urlsplit(url).hostname or "",) if config.base_url == operator_url else ()
    try:
        answer = await fetch_guard.fetch(
            url,
            method="POST",
            data={"token": token},  # in the body: an address with a token ends up in logs
            max_bytes=MAX_UPLOAD_BYTES,
            deadline=min(FETCH_SECONDS, config.timeout_seconds),
            accept="image/*",
            max_redirects=0,
            trusted_hosts=trusted,
        )
    except fetch_guard.FetchTooLarge:
        return b""
    except fetch_guard.FetchError:
        log.info("eCourses picture at %s: not fetched", fetch_guard.shown_in_log(url))
        return None
    if answer.status != 200:
        log.info("eCourses picture: HTTP %s", answer.status)
        return None if answer.status >= 500 else b""
    try:
        return await asyncio.to_thread(reencode, answer.content)
    except InvalidError:
        return b""


def _token(user: User) -> str | None:
    if not user.ecourses_token_encrypted or user.ecourses_user_id is None:
        return None
    secret = runtime.current().settings.resolved_secret
    return crypto.decrypt_token(user.ecourses_token_encrypted, secret=secret)


def service_address(address: str, base_url: str) -> str | None:
    """The web-service form of a Moodle picture address (``/pluginfile.php/…`` →
    ``/webservice/pluginfile.php/…``, which takes a token); None for an address on another
    site, or one that is not an uploaded picture (Moodle's default silhouette)."""
    try:
        parts, base = urlsplit(address), urlsplit(base_url.rstrip("/"))
    except ValueError:
        return None
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None  # the token goes to the eCourses site only
    path = parts.path
    root = base.path
    if not path.startswith(f"{root}/"):
        return None
    rest = path[len(root) :]
    if rest.startswith("/pluginfile.php/"):
        rest = "/webservice" + rest
    if not rest.startswith("/webservice/pluginfile.php/"):
        return None
    query = f"?{parts.query}" if parts.query else ""
    return f"{base.scheme}://{base.netloc}{root}{rest}{query}"


# --- storing ----------------------------------------------------------------------------------


async def _store(
    uow: UnitOfWork, user: User, image: bytes, *, source: str, source_url: str | None
) -> None:
    stored = await uow.session.get(UserPicture, user.id)
    if stored is None:
        stored = UserPicture(user_id=user.id)
        uow.session.add(stored)
    stored.image, stored.source, stored.source_url = image, source, source_url
    stored.updated_at = utcnow()
    await _set_key(uow, user, picture_key(image) if image else None)


async def _set_key(uow: UnitOfWork, user: User, key: str | None) -> None:
    if user.picture_key == key:
        return
    user.picture_key = key
    # Queue lists, member lists, join requests and leaderboards show the new picture at once.
    await appearances.show_changed_person(uow, user.id)
    uow.emit(UserChanged(user.id))
