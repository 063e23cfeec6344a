"""The icon font the pages load (scripts/cut_icon_font.py cuts it, components/icon_font.py
serves it) draws every icon the code, NiceGUI's elements and Quasar's icon set name, and is a
fraction of NiceGUI's whole font: an icon missing from it would show as its name in letters."""

from __future__ import annotations

import io
import re

from fontTools.ttLib import TTFont

from components import icon_font
from scripts import cut_icon_font as cut

# NiceGUI's whole font is 126 KB; the cut held 305 icons in 17 KB when it was made.
AT_MOST_BYTES = 40 * 1024


def served_icons() -> set[str]:
    return set(cut.ligatures(TTFont(io.BytesIO(icon_font.FONT.read_bytes()))))


def test_the_served_font_draws_every_icon_the_code_names() -> None:
    missing = cut.used_icons(cut.ligatures(TTFont(cut.SOURCE_FONT))) - served_icons()
    assert not missing, f"icons the font lacks (run `make icon-font` and commit it): {missing}"


def test_icons_named_in_each_kind_of_source_are_found() -> None:
    """The scan reads what it must: a Python argument, a Vue template's attribute, a name only
    NiceGUI's Python uses, and Quasar's own icons."""
    found = cut.used_icons(cut.ligatures(TTFont(cut.SOURCE_FONT)))
    assert {"school", "person_add", "visibility_off", "arrow_drop_down", "keyboard_arrow_down"} <= (
        found
    )
    assert {"arrow_drop_down", "chevron_left", "cancel"} <= cut.quasar_icon_set()


def test_the_font_is_a_fraction_of_nicegui_s_and_nothing_else_is_in_it() -> None:
    size = icon_font.FONT.stat().st_size
    assert size <= AT_MOST_BYTES < cut.SOURCE_FONT.stat().st_size
    # Only icons the code could name, and their other names for the same drawing
    # ("notifications_on" for "notifications_active"): every ligature would be 2,234.
    whole = cut.ligatures(TTFont(cut.SOURCE_FONT))
    drawings = {whole[name] for name in cut.used_icons(whole)}
    assert {whole[name] for name in served_icons()} == drawings


def test_it_is_served_at_an_address_named_by_its_content_with_a_face_that_names_it() -> None:
    url, font = icon_font.served_font()
    assert re.fullmatch(r"/assets/material-icons-[0-9a-f]{16}\.woff2", url)
    assert font == icon_font.FONT.read_bytes()
    face = icon_font.font_face(url)
    assert 'font-family:"Material Icons"' in face
    assert f'src:url({url}) format("woff2")' in face
