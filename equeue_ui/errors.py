"""Typed domain errors; each carries a translatable message the UI shows as a notice."""

from __future__ import annotations

from typing import Any

from equeue_ui.i18n import Msg, msg, msg_n


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    default = msg("Something went wrong.")

    def __init__(self, message: Msg | None = None) -> None:
        self.message = message or self.default
        super().__init__(self.message.render("en"))

    def render(self, language: str) -> str:
        return self.message.render(language)


class NotFoundError(DomainError):
    default = msg("Not found.")


class ForbiddenError(DomainError):
    default = msg("You are not allowed to do that.")


class ConflictError(DomainError):
    default = msg("That conflicts with the current state.")


class InvalidError(DomainError):
    default = msg("The input is not valid.")


class AuthenticationError(DomainError):
    default = msg("Wrong username or password.")


class RateLimitedError(DomainError):
    default = msg("Too many attempts. Try again later.")


def invalid(msgid: str, **params: Any) -> InvalidError:
    return InvalidError(msg(msgid, **params))


def invalid_n(singular: str, plural: str, n: float, **params: Any) -> InvalidError:
    return InvalidError(msg_n(singular, plural, n, **params))
