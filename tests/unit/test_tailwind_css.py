"""The precompiled Tailwind style sheet covers every class the code uses.

The pages get Tailwind's classes from ``equeue_ui/static/tailwind.css``, built by `make css`
from the sources (not from NiceGUI's in-browser compiler): a class written in the code after
the last build would silently do nothing. Every class the code hands to ``.classes(…)`` and
every class in the components' Vue templates must be defined by a style sheet the pages load —
the compiled Tailwind, Quasar's or NiceGUI's — or be one of eQueue's own (``eq-…``, styled by
the components' CSS or a hook for tests).
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import nicegui

from components import hashed_files, theme

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pages", "components", "equeue_ui")
NICEGUI_CSS = ("quasar.unimportant.prod.css", "quasar.important.prod.css", "nicegui.css")
# Classes that name an element for the page's own CSS (in the component that uses them).
OWN_PREFIXES = ("eq-", "stats-")
# Classes that never styled anything, with NiceGUI's in-browser Tailwind either: `prose` needs
# Tailwind's typography plugin. Listed so that no new one slips in.
UNSTYLED = {"prose"}
# class="…" in a Vue template, and the quoted names inside a :class binding.
TEMPLATE_CLASS = re.compile(r'(?<![:\w-])class="([^"]*)"')
BOUND_CLASS = re.compile(r':class="([^"]*)"')
QUOTED = re.compile(r"'([^']*)'")
# A class selector in a style sheet, with Tailwind's escapes (`max-w-\[50vw\]`, `w-1\/2`).
SELECTOR = re.compile(r"\.((?:[\w-]|\\.)+)")


def test_every_class_the_code_uses_is_defined_by_a_style_sheet() -> None:
    missing = {
        name: where
        for name, where in sorted(used_classes().items())
        if name not in defined_classes()
        and not name.startswith(OWN_PREFIXES)
        and name not in UNSTYLED
    }
    assert not missing, (
        f"classes no style sheet defines (run `make css` and commit tailwind.css): {missing}"
    )


def test_classes_are_written_out_whole_so_that_tailwind_finds_them() -> None:
    """Tailwind's compiler reads the sources as text: ``f"text-{size}"`` would never be built."""
    assemble = [
        f"{path}:{node.lineno}: {ast.unparse(value)}"
        for path, node, value in _classes_calls()
        if _texts(value) is None
    ]
    assert not assemble, f"classes made at run time: {assemble}"


def test_the_compiled_sheet_is_served_under_an_address_that_names_its_content() -> None:
    url, css = theme.compiled_tailwind()
    assert css.startswith(b"/*! tailwindcss v4"), "equeue_ui/static/tailwind.css: run `make css`"
    assert re.fullmatch(r"/assets/tailwind-[0-9a-f]{16}\.css", url)
    assert hashed_files.IMMUTABLE.endswith("immutable")


def test_the_compiled_sheet_knows_the_dark_mode_of_quasar() -> None:
    """NiceGUI's in-browser Tailwind took ``dark:`` from Quasar's ``body--dark``; so does ours."""
    css = theme.TAILWIND_CSS.read_text()
    assert "body.body--dark" in css
    assert "prefers-color-scheme" not in css


def used_classes() -> dict[str, str]:
    """Every class name the code uses, with one place it is used."""
    used: dict[str, str] = {}
    for source, node, value in _classes_calls():
        for text in _texts(value) or []:
            for name in text.split():
                used.setdefault(name, f"{source}:{node.lineno}")
    for path in sorted((ROOT / "components").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for match in TEMPLATE_CLASS.finditer(text):
            for name in match.group(1).split():
                used.setdefault(name, where)
        for match in BOUND_CLASS.finditer(text):
            for quoted in QUOTED.findall(match.group(1)):
                for name in quoted.split():
                    used.setdefault(name, where)
    return used


@cache
def defined_classes() -> frozenset[str]:
    sheets = [theme.TAILWIND_CSS.read_text(encoding="utf-8")]
    static = Path(nicegui.__file__).parent / "static"
    sheets += [(static / name).read_text(encoding="utf-8") for name in NICEGUI_CSS]
    return frozenset(
        re.sub(r"\\(.)", r"\1", name) for sheet in sheets for name in SELECTOR.findall(sheet)
    )


def _classes_calls() -> list[tuple[str, ast.Call, ast.expr]]:
    """Each argument of each ``.classes(…)`` call in the Python sources."""
    found: list[tuple[str, ast.Call, ast.expr]] = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "classes"
                ):
                    for value in [*node.args, *(keyword.value for keyword in node.keywords)]:
                        found.append((str(path.relative_to(ROOT)), node, value))
    return found


def _texts(value: ast.expr) -> list[str] | None:
    """The literal texts ``value`` can be (``"a" if x else "b"``, ``"a " + "b"``), or ``None``
    when it is put together at run time (a name, an f-string with values, a call)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, ast.Constant) and value.value is None:
        return []
    if isinstance(value, ast.IfExp):
        body, orelse = _texts(value.body), _texts(value.orelse)
        return None if body is None or orelse is None else body + orelse
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        left, right = _texts(value.left), _texts(value.right)
        if left is None or right is None or len(left) != 1 or len(right) != 1:
            return None
        return [left[0] + right[0]]
    return None
