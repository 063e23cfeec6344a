"""The sign-in page as plain HTML, with its forms posting to ``/auth/sign-in``.

Every NiceGUI page first loads its framework (Vue, Quasar, the socket) and runs it before it
shows a thing: on a phone on a weak signal about 2.7 s, cold (tests/bench/weak_phone.py). The
sign-in page is the one page everyone opens first, with an empty cache, so it is not built by
NiceGUI: one small HTML response, a style sheet and a script of a few KB, both kept by the
browser for good. Its forms work before (and without) the script, as forms do. While the
reader types, the browser fetches what the next page, a NiceGUI one, will need
(components/framework_prefetch.py).

Its look is the NiceGUI pages' (components/theme.py): the same colours, light and dark by the
system's theme (a person's own choice of dark mode is only known once they have signed in).
Every text from outside (the typed username, the ``next`` address) reaches the HTML through
Jinja's autoescaping, never by formatting strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from components import framework_prefetch, hashed_files
from components.ecourses_panel import sign_in_hint_message
from equeue_ui.i18n import LANGUAGES, msg

STATIC = Path(__file__).resolve().parents[1] / "equeue_ui" / "static"
_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
# NiceGUI's favicon for the emoji 🎓 (equeue_ui/app.py), the same on every page.
FAVICON = (
    "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'>"
    "<text y='.9em' font-size='90'>🎓</text></svg>"
)
TEXTS = {
    "title": msg("Sign in"),
    "username": msg("Username"),
    "password": msg("Password"),
    "show_password": msg("Show the password"),
    "no_account": msg("No account yet?"),
    "register": msg("Register"),
    "ecourses_title": msg("Sign in with eCourses"),
    "ecourses_username": msg("eCourses username"),
    "ecourses_password": msg("eCourses password"),
}
TAGLINE = msg("Live queues for handing in lab work.")
PASSWORD, ECOURSES = "password", "ecourses"  # the two forms (the `method` field)


@dataclass(frozen=True)
class SignInPage:
    """What the sign-in page shows; a refused attempt shows again with ``error`` and the
    ``username`` that was typed into form ``error_form`` (the password is never sent back)."""

    language: str
    next_path: str
    can_register: bool
    ecourses_host: str | None  # None: no eCourses sign-in on this site
    here: str = "/login"  # this page's address, for the language switch to come back to
    head: str = ""  # fixed markup every page's head has (the web app's: pages/web_app.py)
    welcome: bool = False  # at the start page: say what eQueue is
    notice: str | None = None
    error: str | None = None
    error_form: str | None = None
    username: str = ""


def response(page: SignInPage, *, status_code: int = 200) -> HTMLResponse:
    html = _TEMPLATES.get_template("sign_in.html").render(
        lang=page.language,
        t={key: text.render(page.language) for key, text in TEXTS.items()},
        favicon=FAVICON,
        stylesheet=hashed_files.serve(STATIC / "sign_in.css", "sign-in", "text/css"),
        script=hashed_files.serve(STATIC / "sign_in.js", "sign-in", "text/javascript"),
        here=page.here,
        # Fixed text of the app's own, the same on every page: nothing from data.
        head=Markup(page.head),
        prefetch=framework_prefetch.addresses(page.language),
        welcome=TAGLINE.render(page.language) if page.welcome else None,
        languages=[(code, name) for code, name in LANGUAGES.items() if code != page.language],
        next_path=page.next_path,
        register_path=f"/register?next={quote(page.next_path, safe='')}",
        can_register=page.can_register,
        ecourses_hint=(
            sign_in_hint_message(page.ecourses_host).render(page.language)
            if page.ecourses_host is not None
            else None
        ),
        notice=page.notice,
        error=page.error,
        # An eCourses sign-in refused after eCourses was switched off: its form is gone, so
        # the reason shows on the other.
        error_form=ECOURSES
        if page.error_form == ECOURSES and page.ecourses_host is not None
        else PASSWORD,
        username=page.username,
    )
    # Never kept: it may hold a typed username, and the sign-in cookie comes with it.
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})
