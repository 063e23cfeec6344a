"""Cuts NiceGUI's Material Icons font down to the icons eQueue can show (`make icon-font`).

NiceGUI's font holds all 2,234 icons in 126 KB: on a first load over a weak signal that was
a third of every page's bytes (tests/bench/weak_phone.py), and an icon stays invisible until
its font has arrived (the font's ``font-display: block``). The icons a page can show are named
in the code as quoted words (``icon="check"``, ``ui.icon("school")``, ``icon="redo"`` in a
Vue template), in NiceGUI's own elements (the password field's ``visibility_off``…) and in
Quasar's icon set (the select's ``arrow_drop_down``…). Every quoted word in those sources that
names an icon is kept, so a common word kept by chance costs a few bytes, and an icon is
never lost; the letters stay too, since an icon is drawn by the ligature of its name's letters.

The result, ``equeue_ui/static/material-icons.woff2``, is committed (the app runs with Python
alone; components/icon_font.py serves it in place of NiceGUI's). tests/unit/test_icon_font.py
fails when the code names an icon the committed font lacks: run ``make icon-font`` then.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

import nicegui
from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "equeue_ui" / "static" / "material-icons.woff2"
NICEGUI = Path(nicegui.__file__).parent
QUASAR = NICEGUI / "static" / "quasar.umd.prod.js"
OUR_SOURCES = ("components", "pages", "equeue_ui")
QUOTED_WORD = re.compile(r"""["'`]([a-z0-9_]+)["'`]""")


def _nicegui_font() -> Path:
    """NiceGUI's Material Icons file, as its ``fonts.css`` names it (the name is a hash)."""
    fonts_css = (NICEGUI / "static" / "fonts.css").read_text(encoding="utf-8")
    face = re.search(r'font-family: "Material Icons";[^}]*?src: url\(([^)]+)\)', fonts_css)
    if face is None:
        raise RuntimeError(f"no Material Icons face in {NICEGUI / 'static' / 'fonts.css'}")
    return NICEGUI / "static" / face.group(1)


SOURCE_FONT = _nicegui_font()


def ligatures(font: TTFont) -> dict[str, str]:
    """Each icon's name → the glyph its letters turn into."""
    letters = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    names = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            for first, ligature_set in getattr(table, "ligatures", {}).items():
                for ligature in ligature_set:
                    name = letters[first] + "".join(letters[c] for c in ligature.Component)
                    names[name] = ligature.LigGlyph
    return names


def used_icons(icon_names: Iterable[str]) -> set[str]:
    """The icons the code, NiceGUI's elements and Quasar's icon set name."""
    known = set(icon_names)
    words: set[str] = set()
    ours = [
        path
        for folder in OUR_SOURCES
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".js")
    ]
    niceguis = [
        path
        for path in NICEGUI.rglob("*")
        if path.suffix in (".py", ".js") and "static" not in path.relative_to(NICEGUI).parts
    ]
    for path in [*ours, *niceguis, NICEGUI / "static" / "nicegui.js"]:
        words |= set(QUOTED_WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    words |= quasar_icon_set()
    return words & known


def quasar_icon_set() -> set[str]:
    """The names in Quasar's built-in Material icon set (its components' own icons)."""
    bundle = QUASAR.read_text(encoding="utf-8")
    start = bundle.index('name:"material-icons"')
    end = bundle.index("};", start)
    return set(re.findall(r'"([a-z0-9_]+)"', bundle[start:end]))


def build() -> bytes:
    """The cut-down font, as WOFF2."""
    names = ligatures(TTFont(SOURCE_FONT))
    icons = used_icons(names)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["rlig"]  # the font draws its icons by required ligatures
    # Keep only the ligatures kept here: the closure would add back every icon the letters spell.
    options.layout_closure = False
    options.name_IDs = ["*"]  # the licence and the names stay
    subsetter = subset.Subsetter(options)
    subsetter.populate(
        unicodes=sorted({ord(letter) for name in icons for letter in name}),
        glyphs=sorted(names[name] for name in icons),
    )
    font = TTFont(SOURCE_FONT, recalcTimestamp=False)  # the same sources, the same bytes
    subsetter.subset(font)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def main() -> None:
    data = build()
    OUTPUT.write_bytes(data)
    icons = len(ligatures(TTFont(io.BytesIO(data))))
    print(f"{OUTPUT.relative_to(ROOT)}: {icons} icons, {len(data) / 1024:.1f} KB")


if __name__ == "__main__":
    main()
