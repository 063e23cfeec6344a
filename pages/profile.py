"""`/profile`: one's own account — name and status, picture, language, theme and group,
password, sessions, API tokens, and one's data."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from components import session
from components.avatar_editor import picture_section
from components.frame import frame
from components.i18n import _
from components.profile_api_tokens import api_tokens_section
from components.profile_data import data_section
from components.profile_devices import devices_section
from components.profile_names import names_section
from components.profile_password import password_section
from components.profile_preferences import preferences_section
from components.profile_sessions import sessions_section
from equeue_ui.services.views import UserView
from pages.guard import signed_in_page


def register() -> None:
    @signed_in_page("/profile")
    async def profile_page(user: UserView, request: Request) -> None:
        token = session.session_token(request)
        with frame(_("Profile"), user=user, here="/profile"):
            names_section(user)
            ui.separator()
            picture_section(user)
            ui.separator()
            await preferences_section(user)
            ui.separator()
            password_section(user, session_token=token)
            ui.separator()
            await sessions_section(user, session_token=token)
            ui.separator()
            await devices_section(user, session_token=token)
            ui.separator()
            await api_tokens_section(user=user)
            ui.separator()
            data_section(user, session_token=token)
