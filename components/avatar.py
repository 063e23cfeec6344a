"""A person's picture, or their initials on a colour of their own when they have none.

The colour comes from the user id (the same person has the same colour everywhere) out of a
palette dark enough for white initials (contrast at least 4.5:1) on light and dark pages. The
person's name is the picture's text alternative; like every user text it is set as a property
value, never written into a props string.
"""

from __future__ import annotations

from nicegui import ui

from equeue_ui.services import avatars
from equeue_ui.services.views import UserView

# Quasar colours on which white text reaches 4.5:1 or more.
PALETTE = (
    "red-9",
    "pink-9",
    "purple-8",
    "deep-purple-8",
    "indigo-8",
    "blue-9",
    "light-blue-10",
    "cyan-10",
    "teal-9",
    "green-9",
    "brown-7",
    "blue-grey-8",
    "deep-orange-10",
)
SIZES = {"sm": "28px", "md": "40px", "lg": "64px", "xl": "96px"}


def initials(name: str) -> str:
    """Up to two letters: the first of the name's first two words ("Ada Lovelace" → "AL")."""
    letters = "".join(word[:1] for word in name.split()[:2])
    return (letters or "?").upper()


def colour(user_id: int) -> str:
    return PALETTE[user_id % len(PALETTE)]


def avatar(user_id: int, name: str, picture_key: str | None, *, size: str = "md") -> ui.element:
    """The picture (``picture_key``) or the initials, in a circle of ``size`` (SIZES)."""
    element = ui.element("q-avatar").classes("eq-avatar shrink-0")
    element.props["size"] = SIZES[size]
    with element:
        if picture_key:
            image = ui.element("img").mark("avatar-picture")
            image.props["src"] = avatars.address(user_id, picture_key)
            image.props["alt"] = name
            image.props["loading"] = "lazy"
        else:
            element.props["color"] = colour(user_id)
            element.props["text-color"] = "white"
            element.props["role"] = "img"
            element.props["aria-label"] = name
            letters = ui.label(initials(name)).classes("font-medium").mark("avatar-initials")
            letters.props["aria-hidden"] = "true"
    return element


def person_avatar(person: UserView, *, size: str = "md") -> ui.element:
    """:func:`avatar` of a user."""
    return avatar(person.id, person.display_name, person.picture_key, size=size)
