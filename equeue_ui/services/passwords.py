"""What a new password must be (NIST SP 800-63B): long enough, not a commonly used one, not
the username; no composition rules, and every refusal says why."""

from __future__ import annotations

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from equeue_ui.errors import invalid, invalid_n
from equeue_ui.services.validation import clean_credential

MIN_LENGTH = 8
# argon2 hashes any length, but a megabyte of "password" is only a way to burn our CPU.
MAX_LENGTH = 1024


def check_new_password(password: str, *, username: str) -> str:
    """The password, if it may be set for ``username``; otherwise an InvalidError saying why."""
    if len(password) < MIN_LENGTH:
        raise invalid_n(
            "The password must have at least {n} character.",
            "The password must have at least {n} characters.",
            MIN_LENGTH,
        )
    if len(password) > MAX_LENGTH:
        raise invalid_n(
            "The password is too long (at most {n} character).",
            "The password is too long (at most {n} characters).",
            MAX_LENGTH,
        )
    clean_credential(password)  # no control characters or lone surrogates, which argon2 refuses
    if not password.strip():
        raise invalid("The password must not be only spaces.")
    folded = password.strip().casefold()
    if username and folded == username.strip().casefold():
        raise invalid("The password must not be your username.")
    if folded in _common_passwords():
        raise invalid(
            "This password is one of the most commonly used ones, which attackers try first. "
            "Choose another."
        )
    return password


@cache
def _common_passwords() -> frozenset[str]:
    # The 30,000 most frequent passwords of public leaks, as zxcvbn ranks them.
    return frozenset(word.casefold() for word in FREQUENCY_LISTS["passwords"])
