"""Accessible names set as values, so any text (a translation, a person's name) is safe in them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from nicegui import ui

E = TypeVar("E", bound=ui.element)


def labelled(element: E, label: str) -> E:
    """``element`` with ``label`` as its aria-label.

    Set in the props dict, never inside a ``.props()`` string: NiceGUI parses that string, so a
    quote in the text would add props (``:``-props run as JavaScript) and a backslash could make
    the page fail.
    """
    element.props["aria-label"] = label
    return element


@contextmanager
def scroll_region(label: str) -> Iterator[ui.element]:
    """A box that scrolls sideways when its content (a wide table) does not fit, which keyboard
    users can focus and scroll with the arrow keys (WCAG 2.1.1), named ``label``.

    Quasar's tables scroll inside an element of their own that no attribute reaches; inside this
    box they do not (components/theme.py), so the box is the one that scrolls."""
    box = labelled(ui.element("div"), label).classes("eq-scroll-x w-full")
    box.props["tabindex"] = "0"
    box.props["role"] = "region"
    with box:
        yield box
