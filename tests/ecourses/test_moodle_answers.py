"""What a real Moodle sends and the project's fake now sends too: names escaped for HTML,
activities hidden from students or closed by access restrictions, and XML or a web page where
JSON was expected (issue 15, points 1, 4 and 6)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from equeue_ui.ecourses import errors
from equeue_ui.ecourses.client import EcoursesClient
from equeue_ui.ecourses.fake.data import DEMO_PASSWORD
from equeue_ui.ecourses.fake.shapes import html_text
from equeue_ui.ecourses.text import decode_entities
from tests.ecourses.conftest import TIMEOUT, Fake

LEADER = "a.smirnova"
NETS = 206  # "Сети & протоколы <TCP/IP>": the fake's course with everything real ones have


def client(fake: Fake) -> EcoursesClient:
    return EcoursesClient(fake.url, timeout=TIMEOUT, trusted=True)


async def token(fake: Fake, username: str = LEADER) -> str:
    return await client(fake).get_token(username, DEMO_PASSWORD)


# --- decoding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "meant"),
    [
        ("O&#039;Brien", "O'Brien"),
        ("Сети &amp; протоколы", "Сети & протоколы"),
        ("&lt;TCP/IP&gt; &quot;basics&quot;", '<TCP/IP> "basics"'),
        ("&#171;TCP&#187; &#x2014; &#X41;", "«TCP» — A"),
        # Once only: a name that really holds "&lt;" arrives as "&amp;lt;".
        ("a &amp;lt; b &amp;amp; c", "a &lt; b &amp; c"),
        # Only what Moodle escapes: other entities are somebody's text.
        ("&copy; &nbsp; &apos; &amp", "&copy; &nbsp; &apos; &amp"),
        # No character behind it: kept as sent.
        ("&#0; &#xD800; &#1114112;", "&#0; &#xD800; &#1114112;"),
        ("no entities & no trouble", "no entities & no trouble"),
    ],
)
def test_moodle_entities_are_decoded_exactly_once(sent: str, meant: str) -> None:
    assert decode_entities(sent) == meant


@pytest.mark.parametrize(
    "text", ["O'Brien", 'Сети & протоколы <TCP/IP> "основы"', "a &lt; b", "&#171;x&#187;"]
)
def test_what_the_fake_escapes_decodes_back_to_what_moodle_stores(text: str) -> None:
    # Moodle keeps an entity already in the stored text ("&lt;", "&#171;") as it is.
    assert decode_entities(html_text(text)) == decode_entities(text)
    assert "'" not in html_text(text) and "<" not in html_text(text)


async def test_the_fake_sends_names_escaped_as_moodle_does(fake: Fake) -> None:
    issued = await token(fake)
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{fake.url}/webservice/rest/server.php",
            data={
                "wstoken": issued,
                "wsfunction": "core_enrol_get_users_courses",
                "moodlewsrestformat": "json",
                "userid": "3001",
            },
        )
    course = next(c for c in answer.json() if c["id"] == NETS)
    assert course["fullname"] == "Сети &amp; протоколы &lt;TCP/IP&gt;"
    assert course["shortname"] == "С&amp;П-2026"


async def test_every_name_the_client_reads_comes_decoded(fake: Fake) -> None:
    ecourses = client(fake)
    issued = await token(fake, "p.oneil")
    info = await ecourses.site_info(issued)
    assert (info.firstname, info.lastname) == ("Патрик", "О'Нил")
    (course,) = [c for c in await ecourses.users_courses(issued, 3005) if c.id == NETS]
    assert (course.fullname, course.shortname) == ("Сети & протоколы <TCP/IP>", "С&П-2026")
    sections = await ecourses.course_contents(issued, NETS)
    assert sections[1].name == 'Лабы "по выбору"'
    assert [m.name for m in sections[1].modules][:2] == [
        "Лаба 1: O'Reilly & Co",
        "Разбор «TCP» — отчёт",
    ]
    found = {a.cmid: a.name for a in await ecourses.assignments(issued, [NETS])}
    assert found[7411] == "Лаба 1: O'Reilly & Co"
    assert found[7412] == "Разбор «TCP» — отчёт"


# --- hidden work ------------------------------------------------------------------------------


async def test_hidden_and_restricted_activities_are_marked_hidden(fake: Fake) -> None:
    sections = await client(fake).course_contents(await token(fake), NETS)
    modules = {m.id: m for s in sections for m in s.modules}
    assert {cmid: m.hidden for cmid, m in modules.items()} == {
        7411: False,
        7412: False,
        7413: True,  # visible: 0
        7414: True,  # uservisible: false (access restricted)
        7421: True,  # in a hidden section
    }


async def test_a_restricted_assignment_is_left_out_of_the_assignments_but_its_date_is_known(
    fake: Fake,
) -> None:
    ecourses = client(fake)
    issued = await token(fake)
    answered = await ecourses.course_assignments(issued, [NETS, 999])
    assert list(answered) == [NETS]  # the course one may not read is only warned about
    assert {a.cmid for a in answered[NETS]} == {7411, 7412, 7413, 7421}
    sections = await ecourses.course_contents(issued, NETS)
    restricted = next(m for s in sections for m in s.modules if m.id == 7414)
    # 2026-10-23 23:59 in Krasnoyarsk, from the dates the course page shows.
    assert restricted.due_at == datetime(2026, 10, 23, 16, 59, tzinfo=UTC)


# --- answers that are no JSON -----------------------------------------------------------------


async def test_an_xml_answer_has_its_own_message(fake: Fake) -> None:
    issued = await token(fake)
    fake.control(fault="xml")
    with pytest.raises(errors.EcoursesXmlAnswer) as raised:
        await client(fake).site_info(issued)
    text = raised.value.render("en")
    assert "XML" in text and "JSON" in text
    assert text != errors.EcoursesBadAnswer().render("en")


async def test_a_proxys_web_page_has_its_own_message(fake: Fake) -> None:
    fake.control(fault="webpage")
    with pytest.raises(errors.EcoursesWebPageAnswer) as raised:
        await client(fake).get_token(LEADER, DEMO_PASSWORD)
    assert "web page" in raised.value.render("en")
    assert "веб-страницу" in raised.value.render("ru")


async def test_broken_json_is_still_an_unreadable_answer(fake: Fake) -> None:
    fake.control(fault="badjson")
    with pytest.raises(errors.EcoursesBadAnswer) as raised:
        await client(fake).get_token(LEADER, DEMO_PASSWORD)
    assert type(raised.value) is errors.EcoursesBadAnswer
