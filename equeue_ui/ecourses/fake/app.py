"""The fake eCourses as a Starlette (ASGI) app.

Moodle endpoints: `login/token.php`, `webservice/rest/server.php` (the four functions eQueue
calls), user pictures (an SVG without a token, a PNG through `webservice/pluginfile.php` with
one) and plain course/activity pages for the links. Test and demo hooks under `/_fake/` answer
only on loopback: `POST /_fake/control` switches fault modes, expires tokens, edits a user or an
activity, adds one; `GET /_fake/requests` lists the field *names* of recent
requests (never values).
"""

from __future__ import annotations

import asyncio
import html
import secrets

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from equeue_ui.ecourses.fake import control as _control
from equeue_ui.ecourses.fake import functions as _functions
from equeue_ui.ecourses.fake import pictures, protocol, shapes
from equeue_ui.ecourses.fake.data import SITE_NAME
from equeue_ui.ecourses.fake.state import FakeEcourses

SERVICES = ("moodle_mobile_app",)
_LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}


def create_app(*, fault: str = "none", delay: float = 30.0) -> Starlette:
    state = FakeEcourses(fault=fault, delay=delay)

    async def token_php(request: Request) -> Response:
        form = await _fields(request, state)
        broken = await _fault(state, token_endpoint=True)
        if broken is not None:
            return broken
        username = form.get("username", "").strip().lower()
        password = form.get("password", "")
        user = next((u for u in state.users if u.username == username), None)
        if user is None or not secrets.compare_digest(user.password, password):
            return protocol.token_error(
                "invalidlogin", "Неверный логин или пароль, попробуйте ещё раз."
            )
        if form.get("service", "") not in SERVICES:
            return protocol.token_error("servicenotavailable", "Веб-служба недоступна")
        # privatetoken is given only over https, and never to site admins.
        return JSONResponse({"token": state.token_for(user), "privatetoken": None})

    async def server_php(request: Request) -> Response:
        form = await _fields(request, state)
        broken = await _fault(state, token_endpoint=False)
        if broken is not None:
            return broken
        params = protocol.bracket_decode(form.items())
        try:
            user = state.user(state.tokens.get(params.pop("wstoken", ""), 0))
            if user is None:
                raise protocol.invalid_token()
            function = params.pop("wsfunction", "")
            if params.pop("moodlewsrestformat", "xml") != "json":
                return Response(_XML_NOTICE, media_type="application/xml")
            if function not in shapes.FUNCTIONS:
                raise protocol.access_exception()
            base = str(request.base_url).rstrip("/")
            return JSONResponse(_functions.call(state, function, base, user, params))
        except protocol.WsException as error:
            return error.response()

    async def picture(request: Request) -> Response:
        context = int(request.path_params["context"])
        user = state.user(context - 5000)
        initials = (user.firstname[:1] + user.lastname[:1]) if user else "?"
        return Response(pictures.avatar_svg(initials, context), media_type="image/svg+xml")

    async def service_picture(request: Request) -> Response:
        # Moodle's webservice/pluginfile.php: the file for a token (read from the query or the
        # body, like every Moodle parameter); the picture of the user the context belongs to.
        fields = await _fields(request, state)
        if state.user(state.tokens.get(fields.get("token", ""), 0)) is None:
            return protocol.invalid_token().response()
        owner = state.user(int(request.path_params["context"]) - 5000)
        if owner is None:
            return PlainTextResponse("not found", status_code=404)
        if state.picture_fault == "slow":
            await asyncio.sleep(state.delay)
        if state.picture_fault == "broken":
            return Response(b"GIF89a but not really", media_type="image/gif")
        return Response(pictures.avatar_png(owner.id, owner.picture_rev), media_type="image/png")

    async def page(request: Request) -> Response:
        what = html.escape(f"{request.url.path}?{request.url.query}")
        return HTMLResponse(f"<h1>{html.escape(SITE_NAME)}</h1><p>{what}</p>")

    async def control(request: Request) -> Response:
        if not _from_loopback(request):
            return PlainTextResponse("loopback only", status_code=403)
        try:
            command = await request.json()
        except ValueError:
            return JSONResponse({"error": "a JSON object expected"}, status_code=400)
        return JSONResponse(_control.apply(state, command))

    async def requests_log(request: Request) -> Response:
        if not _from_loopback(request):
            return PlainTextResponse("loopback only", status_code=403)
        return JSONResponse(state.log[-100:])

    async def home(_request: Request) -> Response:
        return HTMLResponse(_control.home_page(state))

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/login/token.php", token_php, methods=["GET", "POST"]),
            Route("/webservice/rest/server.php", server_php, methods=["GET", "POST"]),
            Route("/pluginfile.php/{context:int}/user/icon/{rest:path}", picture),
            Route(
                "/webservice/pluginfile.php/{context:int}/user/icon/{rest:path}",
                service_picture,
                methods=["GET", "POST"],
            ),
            Route("/course/view.php", page),
            Route("/mod/{module}/view.php", page),
            Route("/_fake/control", control, methods=["POST"]),
            Route("/_fake/requests", requests_log),
        ]
    )
    app.state.fake = state
    return app


async def _fields(request: Request, state: FakeEcourses) -> dict[str, str]:
    """Form fields from the body, then the query string (Moodle reads both); the log keeps
    where each field name came from, so tests can check no secret travelled in a URL."""
    form = await request.form()
    body = {key: str(value) for key, value in form.multi_items()}
    query = dict(request.query_params)
    state.log.append(
        {
            "path": request.url.path,
            "method": request.method,
            "query_fields": sorted(query),
            "body_fields": list(body),
            "wsfunction": body.get("wsfunction") or query.get("wsfunction"),
        }
    )
    return query | body


async def _fault(state: FakeEcourses, *, token_endpoint: bool) -> Response | None:
    if state.fault == "slow":
        await asyncio.sleep(state.delay)
    elif state.fault == "down":
        # What the university's reverse proxy answers while Moodle behind it is down.
        return HTMLResponse("<html><body><h1>502 Bad Gateway</h1></body></html>", 502)
    elif state.fault == "redirect":
        # A site that moved to https answers plain http with a permanent redirect.
        return RedirectResponse("https://ecourses.invalid/login/token.php", status_code=301)
    elif state.fault == "http500":
        return HTMLResponse("<h1>Internal Server Error</h1>", 500)
    elif state.fault == "badjson":
        return Response('<br />\n<b>Warning</b>: PHP notice {"token": ', media_type="text/html")
    elif state.fault == "xml" and not token_endpoint:
        # The REST protocol set up to answer XML whatever moodlewsrestformat asks for.
        return Response(_XML_ANSWER, media_type="application/xml")
    elif state.fault == "webpage":
        # A single sign-on proxy in front of the site answers with its own login page.
        return HTMLResponse(_LOGIN_PAGE)
    elif state.fault == "maintenance":
        if token_endpoint:
            return protocol.token_error("sitemaintenance", protocol.maintenance().message)
        return protocol.maintenance().response()
    elif state.fault == "noservice":
        if token_endpoint:
            return protocol.token_error("servicenotavailable", "Веб-служба недоступна")
        return protocol.service_not_available().response()
    return None


def _from_loopback(request: Request) -> bool:
    return request.client is not None and request.client.host in _LOOPBACK


_XML_NOTICE = '<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>\n</RESPONSE>\n'
_XML_ANSWER = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>\n<SINGLE>\n'
    '<KEY name="sitename"><VALUE>eCourses</VALUE>\n</KEY>\n</SINGLE>\n</RESPONSE>\n'
)
_LOGIN_PAGE = (
    "<!DOCTYPE html>\n<html lang=ru><head><title>Единый вход СФУ</title></head>"
    "<body><form method=post><input name=login><input type=password></form></body></html>"
)
