"""Accessible names set as values, so any text (a translation, a person's name) is safe in them."""

from __future__ import annotations

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
