"""Plain HTML forms that POST, for the few actions that must answer with cookies (log out,
language): a state change is never a GET, and the browser sends these as same-origin POSTs,
which equeue_ui/browser_guard.py tells apart from other sites' requests."""

from __future__ import annotations

from nicegui import ui


def post_form(action: str, fields: dict[str, str]) -> ui.element:
    """A form posting ``fields`` (hidden) to ``action``; put its submit items inside it."""
    form = ui.element("form")
    form.props["method"] = "post"
    form.props["action"] = action
    with form:
        for name, value in fields.items():
            hidden = ui.element("input")
            hidden.props["type"] = "hidden"
            hidden.props["name"] = name
            hidden.props["value"] = value  # set as values: ``next`` is a path someone typed
    return form


def submit_item(text: str, *, name: str = "", value: str = "") -> ui.menu_item:
    """A menu item that submits the form it is in (with ``name=value`` when given)."""
    item = ui.menu_item(text, auto_close=False)
    item.props["tag"] = "button"
    item.props["type"] = "submit"
    item.props["role"] = "menuitem"  # QItem would call the button a list item
    if name:
        item.props["name"] = name
        item.props["value"] = value
    # A button fills only its text's width; the menu's items fill the menu.
    item.classes("w-full text-left")
    return item
