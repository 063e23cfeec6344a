"""The eCourses client against the fake Moodle over real loopback HTTP: each function, each
error shape (HTTP-200 error bodies, HTTP errors, bad JSON, timeouts, refused connections)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import httpx
import pytest

from equeue_ui.ecourses import errors
from equeue_ui.ecourses.client import EcoursesClient, bracket_encode
from equeue_ui.ecourses.fake.data import DEMO_PASSWORD
from equeue_ui.ecourses.fake.protocol import bracket_decode
from tests.ecourses.conftest import TIMEOUT, Fake

LEADER, STUDENT = "a.smirnova", "a.ivanov"


def client(fake: Fake, **options: object) -> EcoursesClient:
    # The fake runs on loopback: trusted like the operator's EQUEUE_ECOURSES_URL.
    return EcoursesClient(fake.url, timeout=TIMEOUT, trusted=True, **options)  # type: ignore[arg-type]


async def token(fake: Fake, username: str = LEADER) -> str:
    return await client(fake).get_token(username, DEMO_PASSWORD)


# --- the functions ----------------------------------------------------------------------------


async def test_a_token_is_issued_for_the_right_password_sent_only_in_the_post_body(
    fake: Fake,
) -> None:
    issued = await client(fake).get_token("  A.Smirnova ", DEMO_PASSWORD)
    assert re.fullmatch(r"[0-9a-f]{32}", issued)
    (request,) = [r for r in fake.requests() if r["path"] == "/login/token.php"]
    assert request["method"] == "POST"
    assert request["query_fields"] == []
    assert request["body_fields"] == ["username", "password", "service"]


async def test_the_same_user_gets_the_same_token_while_it_is_valid(fake: Fake) -> None:
    assert await token(fake) == await token(fake)


async def test_site_info_names_the_user_and_their_picture(fake: Fake) -> None:
    info = await client(fake).site_info(await token(fake))
    assert (info.userid, info.username, info.firstname, info.lastname) == (
        3001,
        LEADER,
        "Анна",
        "Смирнова",
    )
    assert info.userpictureurl.startswith(f"{fake.url}/pluginfile.php/")
    (request,) = [r for r in fake.requests() if r["wsfunction"]]
    assert request["query_fields"] == []
    assert request["body_fields"][:3] == ["wstoken", "wsfunction", "moodlewsrestformat"]


async def test_users_courses_lists_the_enrolled_courses_with_links(fake: Fake) -> None:
    ecourses = client(fake)
    courses = await ecourses.users_courses(await token(fake), 3001)
    assert [c.id for c in courses] == [201, 202, 203, 204, 205, 206]
    assert courses[0].fullname == "Системное программирование"
    assert courses[0].url == f"{fake.url}/course/view.php?id=201"
    assert [c.visible for c in courses] == [True, True, True, False, True, True]
    assert courses[2].lastaccess is None and courses[0].lastaccess is not None
    (request,) = [r for r in fake.requests() if r["wsfunction"] == "core_enrol_get_users_courses"]
    assert request["body_fields"][3:] == ["userid", "returnusercount"]


async def test_course_contents_gives_sections_in_order_with_their_modules(fake: Fake) -> None:
    sections = await client(fake).course_contents(await token(fake), 201)
    assert [(s.number, s.name) for s in sections] == [
        (0, "Общее"),
        (1, "Лабораторные работы"),
        (2, "Дополнительные задания"),
    ]
    assert [(m.id, m.modname) for m in sections[1].modules] == [
        (7011, "assign"),
        (7012, "assign"),
        (7013, "quiz"),
        (7014, "assign"),
    ]
    assert sections[1].modules[0].url == f"{fake.url}/mod/assign/view.php?id=7011"


async def test_assignments_take_bracket_encoded_course_ids_and_give_due_dates(
    fake: Fake,
) -> None:
    found = await client(fake).assignments(await token(fake), [201, 202, 999])
    by_cmid = {a.cmid: a for a in found}
    assert set(by_cmid) == {7011, 7012, 7014, 7021, 7022, 7111, 7112}
    # 2026-09-20 23:59 in Krasnoyarsk (UTC+7).
    assert by_cmid[7011].due_at == datetime(2026, 9, 20, 16, 59, tzinfo=UTC)
    assert by_cmid[7022].due_at is None  # Moodle's 0: no due date
    (request,) = [r for r in fake.requests() if r["wsfunction"] == "mod_assign_get_assignments"]
    assert request["body_fields"][3:] == ["courseids[0]", "courseids[1]", "courseids[2]"]


def test_bracket_encoding_matches_php_and_round_trips_through_the_fake() -> None:
    params = {
        "courseids": [2, 5],
        "options": [{"name": "excludemodules", "value": True}],
        "returnusercount": False,
    }
    fields = bracket_encode(params)
    assert fields == [
        ("courseids[0]", "2"),
        ("courseids[1]", "5"),
        ("options[0][name]", "excludemodules"),
        ("options[0][value]", "1"),
        ("returnusercount", "0"),
    ]
    assert bracket_decode(fields) == {
        "courseids": ["2", "5"],
        "options": [{"name": "excludemodules", "value": "1"}],
        "returnusercount": "0",
    }


# --- errors in HTTP-200 bodies ----------------------------------------------------------------


async def test_a_wrong_password_is_an_invalid_login(fake: Fake) -> None:
    with pytest.raises(errors.EcoursesInvalidLogin) as raised:
        await client(fake).get_token(LEADER, "wrong")
    assert raised.value.code == "invalidlogin"
    assert raised.value.render("en") == "Wrong eCourses username or password."


async def test_an_unknown_service_is_not_available(fake: Fake) -> None:
    with pytest.raises(errors.EcoursesServiceUnavailable):
        await client(fake, service="no_such_service").get_token(LEADER, DEMO_PASSWORD)


async def test_an_unknown_token_is_an_expired_sign_in(fake: Fake) -> None:
    with pytest.raises(errors.EcoursesTokenExpired) as raised:
        await client(fake).site_info("0" * 32)
    assert raised.value.code == "invalidtoken"


async def test_a_token_expired_on_ecourses_is_an_expired_sign_in(fake: Fake) -> None:
    issued = await token(fake)
    fake.control(expire_tokens=True)
    with pytest.raises(errors.EcoursesTokenExpired):
        await client(fake).users_courses(issued, 3001)


async def test_a_function_outside_the_service_is_access_denied(fake: Fake) -> None:
    with pytest.raises(errors.EcoursesAccessDenied) as raised:
        await client(fake).call(await token(fake), "core_user_get_users")
    assert raised.value.code == "accessexception"


async def test_someone_elses_courses_are_access_denied(fake: Fake) -> None:
    with pytest.raises(errors.EcoursesAccessDenied) as raised:
        await client(fake).users_courses(await token(fake, STUDENT), 3001)
    assert raised.value.code == "nopermissions"


async def test_a_course_one_is_not_enrolled_in_is_access_denied(fake: Fake) -> None:
    with pytest.raises(errors.EcoursesAccessDenied):
        await client(fake).course_contents(await token(fake, STUDENT), 203)


async def test_a_missing_parameter_is_an_error_with_moodles_code(fake: Fake) -> None:
    with pytest.raises(errors.EcoursesError) as raised:
        await client(fake).call(await token(fake), "core_course_get_contents")
    assert raised.value.code == "invalidparameter"
    assert "invalidparameter" in raised.value.render("en")


@pytest.mark.parametrize("endpoint", ["token", "function"])
async def test_maintenance_is_reported_from_both_endpoints(fake: Fake, endpoint: str) -> None:
    issued = await token(fake)
    fake.control(fault="maintenance")
    with pytest.raises(errors.EcoursesMaintenance):
        if endpoint == "token":
            await client(fake).get_token(LEADER, DEMO_PASSWORD)
        else:
            await client(fake).site_info(issued)


@pytest.mark.parametrize("endpoint", ["token", "function"])
async def test_a_disabled_service_is_reported_from_both_endpoints(
    fake: Fake, endpoint: str
) -> None:
    issued = await token(fake)
    fake.control(fault="noservice")
    with pytest.raises(errors.EcoursesServiceUnavailable):
        if endpoint == "token":
            await client(fake).get_token(LEADER, DEMO_PASSWORD)
        else:
            await client(fake).site_info(issued)


# --- transport failures -----------------------------------------------------------------------


async def test_http_500_is_a_bad_answer_naming_the_status(fake: Fake) -> None:
    fake.control(fault="http500")
    with pytest.raises(errors.EcoursesBadAnswer) as raised:
        await client(fake).get_token(LEADER, DEMO_PASSWORD)
    assert "HTTP 500" in raised.value.render("en")


async def test_invalid_json_is_a_bad_answer(fake: Fake) -> None:
    fake.control(fault="badjson")
    with pytest.raises(errors.EcoursesBadAnswer):
        await client(fake).get_token(LEADER, DEMO_PASSWORD)


async def test_a_gateway_error_while_ecourses_is_down_is_unreachable(fake: Fake) -> None:
    fake.control(fault="down")
    with pytest.raises(errors.EcoursesUnreachable):
        await client(fake).get_token(LEADER, DEMO_PASSWORD)


async def test_a_refused_connection_is_unreachable(closed_url: str) -> None:
    with pytest.raises(errors.EcoursesUnreachable):
        await EcoursesClient(closed_url, timeout=TIMEOUT, trusted=True).get_token(
            LEADER, DEMO_PASSWORD
        )


async def test_a_slow_ecourses_times_out_within_the_configured_time(fake: Fake) -> None:
    # Far slower than the timeout, so "given up" and "waited it out" cannot be confused even
    # on a loaded machine; no tighter timing is asserted.
    fake.control(fault="slow", delay=TIMEOUT + 20)
    started = time.monotonic()
    with pytest.raises(errors.EcoursesTimeout) as raised:
        await client(fake).get_token(LEADER, DEMO_PASSWORD)
    assert time.monotonic() - started < TIMEOUT + 10
    assert raised.value.render("en") == (
        f"eCourses did not answer within {TIMEOUT:g} seconds. Try again later."
    )
    assert raised.value.render("ru") == (
        f"еКурсы не ответили за {TIMEOUT:g} секунды. Попробуйте позже."
    )


async def test_a_redirect_is_not_followed_and_points_at_the_address_setting(fake: Fake) -> None:
    fake.control(fault="redirect")
    with pytest.raises(errors.EcoursesBadAnswer) as raised:
        await client(fake).get_token(LEADER, DEMO_PASSWORD)
    assert "HTTP 301" in raised.value.render("en")
    assert "site settings" in raised.value.render("en")


async def test_the_fake_serves_the_pictures_its_profiles_point_at(fake: Fake) -> None:
    info = await client(fake).site_info(await token(fake))
    async with httpx.AsyncClient() as http:
        picture = await http.get(info.userpictureurl)
    assert picture.status_code == 200
    assert picture.headers["content-type"].startswith("image/svg+xml")
    assert "АС" in picture.text
