"""The page frame every page shares: header, user menu, language and dark mode, a centred column."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from nicegui import ui

from components import icon_font, session, theme, turn_alerts
from components.i18n import _, language
from components.live import on_event
from components.notices import attempt
from components.post_forms import post_form, submit_item
from equeue_ui.events import SessionsRevoked
from equeue_ui.i18n import LANGUAGES
from equeue_ui.services import accounts
from equeue_ui.services.views import UserView


@contextmanager
def frame(title: str, *, user: UserView | None, here: str = "/") -> Iterator[ui.element]:
    """Lay out the header and yield the page's content column (mobile-first, max 48rem).

    Every element costs memory and page-load time on each of thousands of open pages, so the
    frame adds as few as it can: plain CSS instead of ui.query, the page's own content column,
    and a dark-mode switch only for people who chose one (the rest follow their system)."""
    ui.page_title(f"{title} · eQueue")
    dark = ui.dark_mode(user.dark_mode) if user and user.dark_mode is not None else None
    with ui.header(elevated=True).classes("items-center gap-2 px-3 py-1 eq-header"):
        ui.link("eQueue", "/").classes("text-white text-lg font-bold no-underline").mark("home")
        ui.label(title).classes("text-white text-base truncate max-w-[50vw] mr-auto").mark(
            "page-title"
        )
        if user is None:
            _language_menu(here)
        else:
            _user_menu(user, dark, here)
    if user is not None:
        turn_alerts.install(user)
        # Logged out everywhere or blocked: open pages stop showing anything at once. Only the
        # session's hash is kept, not the request: that holds the whole finished HTTP exchange
        # (about 20 KB on each open page; tests/bench/README.md, session 11).
        own_session = _session_hash(ui.context.client.request)
        on_event(
            SessionsRevoked,
            lambda e: _ends_this_page(e, own_session),
            _to_sign_in,
            about=("user_id", user.id),
        )
    content = ui.context.client.content
    content.classes("w-full max-w-3xl mx-auto p-3 gap-4")
    with content:
        yield content


def share_assets() -> None:
    """Once per process: what every page needs goes into one shared head, not into each page."""
    theme.install()
    icon_font.install()


def _language_menu(here: str) -> None:
    button = ui.button(icon="translate").props("flat round color=white").mark("language-menu")
    button.props["aria-label"] = _("Language")
    with button:
        ui.tooltip(_("Language"))
        with ui.menu():
            _language_items(here, LANGUAGES)


def _language_items(here: str, languages: dict[str, str]) -> None:
    with post_form("/auth/language", {"next": here}).mark("language-form"):
        for code, name in languages.items():
            submit_item(name, name="lang", value=code).mark(f"language-{code}")


def _user_menu(user: UserView, dark: ui.dark_mode | None, here: str) -> None:
    """The menu is built on first use: most pages are looked at, not configured."""

    async def toggle_dark() -> None:
        nonlocal dark
        if dark is None:  # following the system so far: ask the browser what it shows now
            try:
                shown = await ui.run_javascript("return Quasar.Dark.isActive", timeout=2)
            except TimeoutError:
                shown = False
            with ui.context.client.layout:
                dark = ui.dark_mode(bool(shown))
        new_value = not bool(dark.value)
        if await attempt(accounts.set_preferences(actor=user, dark_mode=new_value)):
            dark.set_value(new_value)

    def build() -> None:
        if button.default_slot.children:
            return  # built: Quasar opens and closes it by itself
        with button, ui.menu().classes("min-w-[14rem]") as menu:
            ui.label(user.display_name).classes("px-4 pt-2 font-bold").mark("signed-in-as")
            ui.label(f"@{user.username}").classes("px-4 pb-2 text-xs eq-muted")
            ui.separator()
            _language_items(here, {c: n for c, n in LANGUAGES.items() if c != language()})
            ui.menu_item(_("Dark mode on/off"), toggle_dark).mark("dark-mode")
            ui.menu_item(_("Profile"), lambda: ui.navigate.to("/profile")).mark("to-profile")
            if user.is_teacher:
                ui.menu_item(_("My queues"), lambda: ui.navigate.to("/teaching")).mark(
                    "to-teaching"
                )
            if user.is_site_admin:
                ui.menu_item(_("Administration"), lambda: ui.navigate.to("/admin/users")).mark(
                    "to-admin"
                )
            ui.separator()
            logout_items()
        menu.open()

    button = (
        ui.button(icon="account_circle", on_click=build)
        .props("flat round color=white")
        .mark("user-menu")
    )
    # Set as a value, never inside a props string: names may hold quotes, colons and backslashes.
    button.props["aria-label"] = user.display_name


def logout_items() -> None:
    """The "Log out" and "Log out everywhere" items: one form that POSTs to /auth/logout."""
    with post_form("/auth/logout", {}).mark("logout-form"):
        submit_item(_("Log out"), name="everywhere", value="0").mark("logout")
        submit_item(_("Log out everywhere"), name="everywhere", value="1").mark("logout-everywhere")


def _ends_this_page(event: SessionsRevoked, own_session: str | None) -> bool:
    """Whether ``event`` ends the session this page was opened with (``own_session``, its
    token's hash)."""
    if own_session is None:
        return event.ended_session is None
    if event.kept_session == own_session:
        return False
    return event.ended_session is None or event.ended_session == own_session


def _session_hash(request: Request | None) -> str | None:
    token = session.session_token(request) if request is not None else None
    return accounts.hash_token(token) if token is not None else None


async def _to_sign_in() -> None:
    ui.navigate.to("/login")
