"""People's pictures (services/avatars.py): re-encoding by content, uploads, removal, the
picture a key names, and what open pages hear (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from db.models import UserPicture
from equeue_ui.errors import ForbiddenError, InvalidError
from equeue_ui.events import DisplayLinkRevoked, MembershipChanged, QueueChanged, UserChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import avatars, boards, queues
from tests.services import factories
from tests.services.queue_world import make_queue_world

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo(
    size: tuple[int, int] = (120, 60), *, fmt: str = "JPEG", orientation: int | None = None
) -> bytes:
    """A picture whose left half is red and right half blue, with a GPS position in its EXIF."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif.get_ifd(GPS_IFD)[2] = (56.0, 1.0, 0.0)  # GPSLatitude: Krasnoyarsk
    if orientation is not None:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG file that declares ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


# --- re-encoding (no database) ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_a_picture_becomes_a_small_square_webp_without_metadata(fmt: str) -> None:
    result = opened(avatars.reencode(photo(fmt=fmt)))
    assert (result.format, result.size) == ("WEBP", (avatars.SIZE, avatars.SIZE))
    assert not result.getexif()
    assert "exif" not in result.info and "icc_profile" not in result.info
    assert b"PhoneMaker" not in avatars.reencode(photo(fmt=fmt))


def test_the_exif_orientation_is_applied() -> None:
    # Orientation 6: the camera was turned; the picture is shown turned 90° clockwise, so the
    # left (red) half of the stored pixels ends up on top.
    upright = opened(avatars.reencode(photo((60, 60), orientation=6)))
    top = upright.convert("RGB").getpixel((avatars.SIZE // 2, 10))
    bottom = upright.convert("RGB").getpixel((avatars.SIZE // 2, avatars.SIZE - 10))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]


def test_a_wide_picture_is_cropped_at_its_centre() -> None:
    square = opened(avatars.reencode(photo((300, 100)))).convert("RGB")
    left, right = square.getpixel((5, 128)), square.getpixel((250, 128))
    assert isinstance(left, tuple) and isinstance(right, tuple)
    assert left[0] > 150 and right[2] > 150  # both halves are still there, cut at the sides


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.7 not a picture at all" * 10, "not a picture"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a picture"),
        (b"", "not a picture"),
        (bomb_png(8_000, 8_000), "too many pixels"),
        (bomb_png(50_000, 50_000), "too many pixels"),
        (photo((300, 300), fmt="PNG")[:-60], "damaged"),
    ],
    ids=["pdf", "svg", "empty", "bomb", "huge-bomb", "truncated"],
)
def test_what_is_no_usable_picture_is_refused_with_a_reason(data: bytes, says: str) -> None:
    with pytest.raises(InvalidError) as refused:
        avatars.reencode(data)
    assert says in str(refused.value)


def test_a_file_over_the_limit_is_refused_before_it_is_opened() -> None:
    oversized = photo() + b"\0" * avatars.MAX_UPLOAD_BYTES
    with pytest.raises(InvalidError) as refused:
        avatars.reencode(oversized)
    assert "larger than 5 MB" in str(refused.value)


def test_the_moodle_picture_address_is_asked_through_the_web_service_of_its_own_site() -> None:
    base = "https://ecourses.example/moodle"
    assert (
        avatars.service_address(f"{base}/pluginfile.php/5/user/icon/boost/f1?rev=3", base)
        == f"{base}/webservice/pluginfile.php/5/user/icon/boost/f1?rev=3"
    )
    # another site never gets the token; Moodle's generic silhouette is nobody's picture
    assert avatars.service_address("https://evil.example/pluginfile.php/5/x", base) is None
    assert avatars.service_address(f"{base}/theme/image.php/boost/core/1/u/f1", base) is None
    assert avatars.service_address("http://ecourses.example/moodle/pluginfile.php/5", base) is None


# --- the services -----------------------------------------------------------------------------


async def stored_picture(rt: Runtime, user_id: int) -> UserPicture | None:
    async with rt.db.read_session() as session:
        return await session.get(UserPicture, user_id)


async def test_an_upload_becomes_the_picture_its_key_serves(rt: Runtime) -> None:
    alice = await factories.make_user(rt, "alice")
    heard: list[UserChanged] = []
    rt.bus.subscribe(UserChanged, heard.append)

    shown = await avatars.upload_picture(photo(), actor=alice)

    assert shown.picture_key is not None and len(shown.picture_key) == 32
    image = await avatars.picture(alice.id, shown.picture_key)
    assert image is not None and opened(image).format == "WEBP"
    assert heard == [UserChanged(alice.id)]
    kept = await stored_picture(rt, alice.id)
    assert kept is not None and (kept.source, kept.source_url) == ("upload", None)
    # another key (an old version, a guess) and another user serve nothing
    assert await avatars.picture(alice.id, "0" * 32) is None
    assert await avatars.picture(alice.id + 1, shown.picture_key) is None
    assert await avatars.picture(2**62, shown.picture_key) is None


async def test_a_new_picture_has_a_new_key_and_the_old_one_serves_nothing(rt: Runtime) -> None:
    alice = await factories.make_user(rt, "alice")
    first = await avatars.upload_picture(photo(), actor=alice)
    second = await avatars.upload_picture(photo(fmt="PNG", orientation=3), actor=alice)
    assert first.picture_key and second.picture_key and first.picture_key != second.picture_key
    assert await avatars.picture(alice.id, first.picture_key) is None
    assert await avatars.picture(alice.id, second.picture_key) is not None


async def test_a_refused_upload_keeps_the_picture_there_was(rt: Runtime) -> None:
    alice = await factories.make_user(rt, "alice")
    shown = await avatars.upload_picture(photo(), actor=alice)
    with pytest.raises(InvalidError):
        await avatars.upload_picture(b"GIF89a" + b"\0" * 40, actor=alice)
    assert shown.picture_key is not None
    assert await avatars.picture(alice.id, shown.picture_key) is not None


async def test_removing_the_picture_brings_back_the_initials(rt: Runtime) -> None:
    alice = await factories.make_user(rt, "alice")
    shown = await avatars.upload_picture(photo(), actor=alice)
    heard: list[UserChanged] = []
    rt.bus.subscribe(UserChanged, heard.append)

    removed = await avatars.remove_picture(actor=alice)

    assert removed.picture_key is None and heard == [UserChanged(alice.id)]
    assert shown.picture_key is not None
    assert await avatars.picture(alice.id, shown.picture_key) is None
    assert await stored_picture(rt, alice.id) is None
    await avatars.remove_picture(actor=alice)  # nothing to remove: nothing happens
    assert heard == [UserChanged(alice.id)]


async def test_a_blocked_user_cannot_change_the_picture(rt: Runtime) -> None:
    bob = await factories.make_user(rt, "bob", blocked=True)
    with pytest.raises(Exception, match="blocked"):
        await avatars.upload_picture(photo(), actor=bob)


async def test_queues_the_person_stands_in_show_the_new_picture(rt: Runtime) -> None:
    qw = await make_queue_world(rt)
    student = qw.students[0]
    await queues.join_queue(qw.queue_id, actor=student)
    before = await queues.get_snapshot(qw.queue_id, actor=student)
    heard: list[QueueChanged] = []
    rt.bus.subscribe(QueueChanged, heard.append)

    shown = await avatars.upload_picture(photo(), actor=student)

    after = await queues.get_snapshot(qw.queue_id, actor=student)
    assert after.version == before.version + 1
    assert heard == [QueueChanged(qw.queue_id, after.version)]
    entry = after.entry_of(student.id)
    assert entry is not None and entry.picture_key == shown.picture_key


async def test_member_lists_of_the_persons_workspaces_redraw(rt: Runtime) -> None:
    world = await factories.make_world(rt)
    heard: list[MembershipChanged] = []
    rt.bus.subscribe(MembershipChanged, heard.append)
    await avatars.upload_picture(photo(), actor=world.member)
    assert heard == [MembershipChanged(world.workspace_id, world.member.id)]


async def test_pictures_on_the_board_are_a_subject_setting_off_by_default(rt: Runtime) -> None:
    qw = await make_queue_world(rt)
    admin = qw.world.admin
    assert (await boards.board_for_operator(qw.queue_id, actor=admin)).pictures is False
    heard: list[DisplayLinkRevoked] = []
    rt.bus.subscribe(DisplayLinkRevoked, heard.append)
    await boards.set_board_pictures(qw.subject_id, True, actor=admin)
    assert (await boards.board_for_operator(qw.queue_id, actor=admin)).pictures is True
    assert heard == [DisplayLinkRevoked(qw.queue_id, None)]  # open boards read it again
    with pytest.raises(ForbiddenError):
        await boards.set_board_pictures(qw.subject_id, False, actor=qw.students[0])
