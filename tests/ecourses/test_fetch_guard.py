"""eCourses through the fetch guard (issue 13, points 8 and 9): only the operator's own
``EQUEUE_ECOURSES_URL`` may be an internal address; one a site admin typed must be public or
allow-listed. Links read from eCourses are cleaned like typed ones."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Task
from equeue_ui.ecourses import errors
from equeue_ui.ecourses.client import EcoursesClient
from equeue_ui.ecourses.fake.data import DEMO_PASSWORD
from equeue_ui.runtime import Runtime
from equeue_ui.services import ecourses_accounts, site
from equeue_ui.services.ecourses_import import ecourses_link
from equeue_ui.services.ecourses_tasks import import_tasks, preview_tasks
from equeue_ui.services.uow import unit_of_work
from tests.ecourses.conftest import TIMEOUT, Fake
from tests.ecourses.test_import import imported_sp

LEADER = "a.smirnova"
UNREACHABLE = "eCourses cannot be reached right now. Try again later."


def typed_address(fake: Fake) -> str:
    """The fake's address as a site admin might type it: not the operator's spelling."""
    return fake.url.replace("127.0.0.1", "localhost")


async def type_in_site_settings(address: str) -> None:
    async with unit_of_work() as uow:
        await site.put_setting(uow.session, "ecourses_url", address)


async def test_a_client_for_an_untrusted_loopback_address_connects_nowhere(fake: Fake) -> None:
    with pytest.raises(errors.EcoursesUnreachable) as raised:
        await EcoursesClient(fake.url, timeout=TIMEOUT).get_token(LEADER, DEMO_PASSWORD)
    assert raised.value.render("en") == UNREACHABLE
    assert fake.requests() == []


async def test_the_operators_own_address_is_trusted_on_loopback(ert: Runtime, fake: Fake) -> None:
    ecourses = await ecourses_accounts.client()
    assert await ecourses.get_token(LEADER, DEMO_PASSWORD)


async def test_a_loopback_address_a_site_admin_typed_is_refused_like_a_closed_port(
    ert: Runtime, fake: Fake, closed_url: str
) -> None:
    await type_in_site_settings(typed_address(fake))
    with pytest.raises(errors.EcoursesUnreachable) as refused:
        await (await ecourses_accounts.client()).get_token(LEADER, DEMO_PASSWORD)
    assert fake.requests() == []

    ert.settings.fetch_allow_hosts = ["127.0.0.1"]  # so only the closed port stops it
    await type_in_site_settings(closed_url)
    with pytest.raises(errors.EcoursesUnreachable) as closed:
        await (await ecourses_accounts.client()).get_token(LEADER, DEMO_PASSWORD)
    assert refused.value.render("en") == closed.value.render("en") == UNREACHABLE


async def test_an_allow_listed_host_a_site_admin_typed_is_used_with_its_own_messages(
    ert: Runtime, fake: Fake
) -> None:
    ert.settings.fetch_allow_hosts = ["localhost"]
    await type_in_site_settings(typed_address(fake))
    ecourses = await ecourses_accounts.client()
    assert await ecourses.get_token(LEADER, DEMO_PASSWORD)
    with pytest.raises(errors.EcoursesInvalidLogin):
        await ecourses.get_token(LEADER, "wrong")
    fake.control(fault="maintenance")
    with pytest.raises(errors.EcoursesMaintenance):
        await ecourses.get_token(LEADER, DEMO_PASSWORD)


# --- point 9: links from eCourses answers -------------------------------------------------------


async def test_an_assignment_with_a_javascript_link_is_imported_without_the_link(
    ert: Runtime, fake: Fake
) -> None:
    fake.control(module={"cmid": 7011, "url": "javascript:alert(document.cookie)"})
    leader, subject_id = await imported_sp(ert)

    preview = {p.ecourses_id: p for p in await preview_tasks(subject_id, actor=leader)}
    assert preview[7011].url == ""
    assert preview[7012].url == f"{fake.url}/mod/assign/view.php?id=7012"

    result = await import_tasks(subject_id, actor=leader)
    assert len(result.created) == 5
    async with ert.db.read_session() as session:
        links = {
            cmid: url for cmid, url in await session.execute(select(Task.ecourses_id, Task.url))
        }
    assert links[7011] is None
    assert links[7012] == f"{fake.url}/mod/assign/view.php?id=7012"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        (
            "https://e.sfu-kras.ru/course/view.php?id=7",
            "https://e.sfu-kras.ru/course/view.php?id=7",
        ),
        (
            " http://e.sfu-kras.ru/mod/assign/view.php?id=1 ",
            "http://e.sfu-kras.ru/mod/assign/view.php?id=1",
        ),
        ("javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("vbscript:msgbox(1)", ""),
        ("//evil.example/x", ""),
        ("https://e.sfu-kras.ru/" + "a" * 2000, ""),
        ("", ""),
    ],
)
def test_links_from_ecourses_are_cleaned_like_typed_ones(url: str, kept: str) -> None:
    assert ecourses_link(url) == kept
