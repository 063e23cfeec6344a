"""The full JSON shapes Moodle 4.5 returns for the functions eQueue calls — every field, not
only those eQueue reads — so the client is tested against what a real eCourses sends.

Names (people's, courses', sections', activities') go out formatted for HTML as Moodle's
``external_format_string`` leaves them: ``& < > " '`` escaped, entities already in the stored
text kept as they are (:func:`html_text`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from equeue_ui.ecourses.fake import pictures
from equeue_ui.ecourses.fake.data import SITE_NAME, FakeCourse, FakeModule, FakeUser

RELEASE = "4.5.1 (Build: 20241209)"
VERSION = "2024100701.00"
FUNCTIONS = (
    "core_webservice_get_site_info",
    "core_enrol_get_users_courses",
    "core_course_get_contents",
    "mod_assign_get_assignments",
)
_MODPLURAL = {
    "assign": "Задания",
    "forum": "Форумы",
    "resource": "Файлы",
    "quiz": "Тесты",
    "url": "Гиперссылки",
}
_PURPOSE = {
    "assign": "assessment",
    "quiz": "assessment",
    "forum": "collaboration",
    "resource": "content",
    "url": "content",
}


# An ampersand that already starts an entity is left alone (Moodle's
# replace_ampersands_not_followed_by_entity).
_BARE_AMPERSAND = re.compile(r"&(?!(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);)")


def html_text(text: str) -> str:
    """``O'Brien & Co`` → ``O&#039;Brien &amp; Co``, as Moodle sends names."""
    text = _BARE_AMPERSAND.sub("&amp;", text)
    return (
        text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#039;")
    )


def picture_url(base: str, user: FakeUser) -> str:
    return f"{base}/pluginfile.php/{5000 + user.id}/user/icon/boost/f1?rev={user.picture_rev}"


def site_info(base: str, user: FakeUser) -> dict[str, Any]:
    return {
        "sitename": SITE_NAME,
        "username": user.username,
        "firstname": html_text(user.firstname),
        "lastname": html_text(user.lastname),
        "fullname": html_text(f"{user.firstname} {user.lastname}"),
        "lang": "ru",
        "userid": user.id,
        "siteurl": base,
        "userpictureurl": picture_url(base, user),
        "functions": [{"name": name, "version": VERSION} for name in FUNCTIONS],
        "downloadfiles": 1,
        "uploadfiles": 1,
        "release": RELEASE,
        "version": VERSION,
        "mobilecssurl": "",
        "advancedfeatures": [
            {"name": "usecomments", "value": 1},
            {"name": "usetags", "value": 1},
            {"name": "enablenotes", "value": 1},
            {"name": "messaging", "value": 1},
            {"name": "enableblogs", "value": 1},
            {"name": "enablecompletion", "value": 1},
            {"name": "enablebadges", "value": 1},
            {"name": "mnet_dispatcher_mode", "value": 0},
        ],
        "usercanmanageownfiles": True,
        "userquota": 104857600,
        "usermaxuploadfilesize": 52428800,
        "userhomepage": 1,
        "userprivateaccesskey": f"{user.id:08x}" * 4,
        "siteid": 1,
        "sitecalendartype": "gregorian",
        "usercalendartype": "gregorian",
        "userissiteadmin": False,
        "theme": "boost",
        "limitconcurrentlogins": 0,
        # "usersessionscount" appears only when limitconcurrentlogins > 0.
    }


def user_course(course: FakeCourse, lastaccess: int | None, *, count: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": course.id,
        "shortname": html_text(course.shortname),
        "fullname": html_text(course.fullname),
        "displayname": html_text(course.fullname),
    }
    if count:
        data["enrolledusercount"] = len(course.enrolled)
    data |= {
        "idnumber": "",
        "visible": 1 if course.visible else 0,
        "summary": course.summary,
        "summaryformat": 1,
        "format": "topics",
        "courseimage": pictures.course_image(course.id),
        "showgrades": True,
        "lang": "",
        "enablecompletion": True,
        "completionhascriteria": False,
        "completionusertracked": True,
        "category": course.category,
        "progress": 0,
        "completed": False,
        "startdate": course.startdate,
        "enddate": course.enddate,
        "marker": 0,
        "lastaccess": lastaccess,
        "isfavourite": False,
        "hidden": False,
        "overviewfiles": [],
        "showactivitydates": True,
        "showcompletionconditions": True,
        "timemodified": course.startdate - 86400,
    }
    return data


def course_contents(base: str, course: FakeCourse) -> list[dict[str, Any]]:
    return [
        {
            "id": section.id,
            "name": html_text(section.name),
            "visible": 1 if section.visible else 0,
            "summary": "",
            "summaryformat": 1,
            "section": section.number,
            "hiddenbynumsections": 0,
            # The fake's users see hidden sections as a course's teachers do.
            "uservisible": True,
            "modules": [
                _module(base, course, module, shown=section.visible) for module in section.modules
            ],
        }
        for section in course.sections
    ]


def assignments(courses: list[FakeCourse], warnings: list[dict[str, Any]]) -> dict[str, Any]:
    """Moodle leaves out the assignments the user may not open, each with a warning."""
    found = [
        (course, module)
        for course in courses
        for section in course.sections
        for module in section.modules
        if module.modname == "assign"
    ]
    return {
        "courses": [
            {
                "id": course.id,
                "fullname": html_text(course.fullname),
                "shortname": html_text(course.shortname),
                "timemodified": course.startdate - 86400,
                "assignments": [
                    _assignment(course, module)
                    for owner, module in found
                    if owner is course and module.available
                ],
            }
            for course in courses
        ],
        "warnings": warnings
        + [
            {
                "item": "module",
                "itemid": module.cmid,
                "warningcode": "1",
                "message": "No access rights in module context",
            }
            for _course, module in found
            if not module.available
        ],
    }


def _module(base: str, course: FakeCourse, module: FakeModule, *, shown: bool) -> dict[str, Any]:
    """``shown``: the section is visible (hiding a section hides its activities in Moodle)."""
    data: dict[str, Any] = {
        "id": module.cmid,
        "url": module.url or f"{base}/mod/{module.modname}/view.php?id={module.cmid}",
        "name": html_text(module.name),
        "instance": module.instance,
        "contextid": 10000 + module.cmid,
        "visible": 1 if module.visible and shown else 0,
        "uservisible": module.available,
        "visibleoncoursepage": 1,
        "modicon": f"{base}/theme/image.php/boost/{module.modname}/1/monologo?filtericon=1",
        "modname": module.modname,
        "purpose": _PURPOSE.get(module.modname, "other"),
        "branded": False,
        "modplural": _MODPLURAL.get(module.modname, module.modname),
        "availability": None,
        "indent": 0,
        "onclick": "",
        "afterlink": None,
        "activitybadge": [],
        "customdata": json.dumps(_customdata(module)),
        "noviewlink": False,
        "completion": 1 if module.modname == "assign" else 0,
        "downloadcontent": 1,
        "dates": _dates(module),
        "groupmode": 0,
    }
    if not module.available:
        data["availability"] = json.dumps(
            {"op": "&", "c": [{"type": "grade", "id": 1, "min": 80}], "showc": [True]}
        )
        data["availabilityinfo"] = "Не доступно, пока не выполнено: <strong>Оценка</strong> ≥ 80"
    if module.modname == "assign":
        data["completiondata"] = {
            "state": 0,
            "timecompleted": 0,
            "overrideby": None,
            "valueused": False,
            "hascompletion": True,
            "isautomatic": False,
            "istrackeduser": True,
            "uservisible": True,
            "details": [],
        }
    if module.modname == "resource":
        data["contents"] = [_file(base, module)]
        data["contentsinfo"] = {
            "filescount": 1,
            "filessize": 48213,
            "lastmodified": course_time(course),
            "mimetypes": ["application/pdf"],
            "repositorytype": "",
        }
    return data


def _customdata(module: FakeModule) -> Any:
    if module.modname == "assign":
        data: dict[str, Any] = {"allowsubmissionsfromdate": module.opens}
        if module.duedate:
            data["duedate"] = module.duedate
        return data
    return ""


def _dates(module: FakeModule) -> list[dict[str, Any]]:
    if module.modname != "assign":
        return []
    dates = [
        {"label": "Открыто с:", "timestamp": module.opens, "dataid": "allowsubmissionsfromdate"}
    ]
    if module.duedate:
        dates.append({"label": "Срок сдачи:", "timestamp": module.duedate, "dataid": "duedate"})
    return dates


def _file(base: str, module: FakeModule) -> dict[str, Any]:
    return {
        "type": "file",
        "filename": "programma.pdf",
        "filepath": "/",
        "filesize": 48213,
        "fileurl": f"{base}/webservice/pluginfile.php/{10000 + module.cmid}/mod_resource/"
        "content/1/programma.pdf?forcedownload=1",
        "timecreated": 1788220800,
        "timemodified": 1788220800,
        "sortorder": 1,
        "mimetype": "application/pdf",
        "isexternalfile": False,
        "userid": 3004,
        "author": "Ирина Петрова",
        "license": "allrightsreserved",
    }


def _assignment(course: FakeCourse, module: FakeModule) -> dict[str, Any]:
    return {
        "id": module.instance,
        "cmid": module.cmid,
        "course": course.id,
        "name": html_text(module.name),
        "nosubmissions": 0,
        "submissiondrafts": 0,
        "sendnotifications": 0,
        "sendlatenotifications": 0,
        "sendstudentnotifications": 1,
        "duedate": module.duedate,
        "allowsubmissionsfromdate": module.opens,
        "grade": 100,
        "timemodified": course_time(course),
        "completionsubmit": 1,
        "cutoffdate": 0,
        "gradingduedate": module.duedate + 7 * 86400 if module.duedate else 0,
        "teamsubmission": 0,
        "requireallteammemberssubmit": 0,
        "teamsubmissiongroupingid": 0,
        "blindmarking": 0,
        "hidegrader": 0,
        "revealidentities": 0,
        "attemptreopenmethod": "untilpass",
        "maxattempts": -1,
        "markingworkflow": 0,
        "markingallocation": 0,
        "requiresubmissionstatement": 0,
        "preventsubmissionnotingroup": 0,
        "configs": [
            {"plugin": "file", "subtype": "assignsubmission", "name": "enabled", "value": "1"},
            {
                "plugin": "file",
                "subtype": "assignsubmission",
                "name": "maxfilesubmissions",
                "value": "5",
            },
            {"plugin": "comments", "subtype": "assignsubmission", "name": "enabled", "value": "1"},
            {"plugin": "comments", "subtype": "assignfeedback", "name": "enabled", "value": "1"},
        ],
        "intro": module.intro,
        "introformat": 1,
        "introfiles": [],
        "introattachments": [],
        "activity": "",
        "activityformat": 1,
        "activityattachments": [],
        "timelimit": 0,
        "submissionattachments": 0,
    }


def course_time(course: FakeCourse) -> int:
    return course.startdate - 86400
