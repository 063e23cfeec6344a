"""Material Icons from eQueue's own cut of the font: the icons the pages can show, 17 KB where
NiceGUI's whole font is 126 KB (scripts/cut_icon_font.py says how it is cut, and
tests/unit/test_icon_font.py that it holds every icon the code names).

The face is declared outside every cascade layer, after NiceGUI's (``fonts.css``, in its
``base`` layer), so it is the one browsers use and download; NiceGUI's file is never fetched.
"""

from __future__ import annotations

from pathlib import Path

from nicegui import Client, ui

from components import hashed_files

FONT = Path(__file__).resolve().parents[1] / "equeue_ui" / "static" / "material-icons.woff2"


def install() -> None:
    """Once per process: the font's route and its face in the head every page shares."""
    face = font_face(hashed_files.serve(FONT, "material-icons", "font/woff2"))
    if face not in Client.shared_head_html:  # setup() runs many times in the tests
        ui.add_head_html(face, shared=True)


def served_font() -> tuple[str, bytes]:
    """The font and the address it is served at (its content's hash: cached for good)."""
    return hashed_files.hashed(FONT, "material-icons")


def font_face(url: str) -> str:
    # As NiceGUI declares it, but for the source: blocked text until the font comes, so an icon
    # never shows as its name.
    return (
        '<style>@font-face{font-family:"Material Icons";font-style:normal;font-weight:400;'
        f'font-display:block;src:url({url}) format("woff2")}}</style>'
    )
