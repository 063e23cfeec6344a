"""User data never becomes markup or code (issue 13): every call that NiceGUI parses, Vue compiles
or the browser runs gets text written in the source, never text built at run time.

A display name spliced into ``.props(f'aria-label="{name}"')`` added props (a ``:``-prop runs as
JavaScript) and one holding ``\\N`` made NiceGUI's props parser raise on every page. Values go
into the element's dict instead (``element.props["aria-label"] = name``), which is sent as data.
This test reads the source of ``pages/`` and ``components/`` so the rule holds for code not
written yet, translated strings included: a translation may hold a quote too.

"Written in the source" means a string literal, a choice between two of them
(``"unelevated" if current else "flat"``), or, for head/CSS text and slot templates, a
module-level name bound once to a literal. The one exception is ``components/links.py``, which
links to an address only after checking that it is http(s).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pages", "components")

# NiceGUI parses these strings as props / class / style lists: literal text only.
PARSED = {"props", "classes", "style"}
PARSED_KEYWORDS = {"add", "remove", "replace"}
# These strings run in the browser or land in the page's head or body as markup.
# Markup() tells Jinja (the plain sign-in page's template) not to escape its text.
CODE = {
    "run_javascript",
    "add_head_html",
    "add_body_html",
    "add_css",
    "add_scss",
    "add_sass",
    "Markup",
}
# A link leads to a page of ours (a path written in the source); an address from data goes
# through web_link, the one place that checks it is http(s) before linking to it.
LINKS_CHECKED_IN = "components/links.py"
# Markup built at run time from the app's own files, never from data, each reviewed:
# (file, call, argument) → why it is safe.
REVIEWED = {
    ("components/theme.py", "add_head_html", "tailwind_link"): (
        "the compiled style sheet's address: a fixed path and the hash of a file in the package"
    ),
    ("components/icon_font.py", "add_head_html", "face"): (
        "the icon font's face: a fixed rule around its address, a fixed path and the hash of a"
        " file in the package"
    ),
    ("components/sign_in_page.py", "Markup", "page.head"): (
        "the web app's head (pages/web_app.HEAD_HTML, a module-level literal) that every page has"
    ),
}


def sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def module_constants(tree: ast.Module) -> set[str]:
    """Module-level names bound once to a string literal: as fixed as the literal itself."""
    bound: dict[str, int] = {}
    literal: set[str] = set()
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name):
                bound[target.id] = bound.get(target.id, 0) + 1
                if _is_literal(value):
                    literal.add(target.id)
    return {name for name in literal if bound[name] == 1}


def violations(source: str, where: str) -> Iterator[str]:
    tree = ast.parse(source, filename=where)
    constants = module_constants(tree)

    def fixed(node: ast.expr | None) -> bool:
        return _is_literal(node) or (isinstance(node, ast.Name) and node.id in constants)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node.func)
        line = f"{where}:{node.lineno}"
        for keyword in node.keywords:
            # ui.notify(html=True) and the like render their text as markup.
            if keyword.arg == "html" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                yield f"{line}: html={ast.unparse(keyword.value)} renders text as markup"
        if name in PARSED and isinstance(node.func, ast.Attribute):
            for arg in node.args:
                if not _is_literal(arg):
                    yield f"{line}: .{name}() gets {ast.unparse(arg)!s:.60}"
                elif name == "props" and "html" in ast.unparse(arg):
                    # Quasar's *-html props (options-html, label-html…) render values as markup.
                    yield f"{line}: .props() switches on an *-html prop"
            for keyword in node.keywords:
                if keyword.arg not in PARSED_KEYWORDS or not _is_literal(keyword.value):
                    yield f"{line}: .{name}({keyword.arg}=) gets {ast.unparse(keyword.value):.60}"
        elif name in CODE:
            code = _argument(node, 0, "code")
            shown = ast.unparse(code) if code is not None else "nothing"
            if not fixed(code) and (where, name, shown) not in REVIEWED:
                yield f"{line}: {name}() gets {shown:.60}"
        elif name == "html" and _on_ui(node.func):
            content = _argument(node, 0, "content")
            if not (
                isinstance(content, ast.Call) and _called_name(content.func) == "render_markdown"
            ):
                yield f"{line}: ui.html() of something other than render_markdown(...)"
        elif name == "markdown" and _on_ui(node.func):
            if not _is_literal(_argument(node, 0, "content")):
                yield f"{line}: ui.markdown() of data (render_markdown + ui.html sanitises it)"
        elif name == "add_slot":
            template = _argument(node, 1, "template")
            if template is not None and not fixed(template):
                yield f"{line}: add_slot() template built at run time (Vue compiles it)"
        elif name == "link" and _on_ui(node.func):
            target = _argument(node, 1, "target")
            if target is not None and not _is_own_path(target) and where != LINKS_CHECKED_IN:
                yield f"{line}: ui.link() to {ast.unparse(target):.60} (use links.web_link)"


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _on_ui(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "ui"
    )


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _is_literal(node: ast.expr | None) -> bool:
    """Text written in the source: a string literal, or a choice between two of them."""
    if isinstance(node, ast.IfExp):
        return _is_literal(node.body) and _is_literal(node.orelse)
    return isinstance(node, ast.Constant) and isinstance(node.value, str | type(None))


def _is_own_path(node: ast.expr) -> bool:
    """A literal or f-string that starts with one ``/``: a page of this site, whatever follows."""
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("/")
        and not node.value.startswith("//")
    )


def test_the_checked_packages_hold_code() -> None:
    """Guards the test itself: a wrong root would find nothing and pass."""
    assert len(sources()) > 30
    assert any(path.name == "frame.py" for path in sources())


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_markup_or_code_is_built_from_data(path: Path) -> None:
    found = list(violations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))))
    assert not found, "\n".join(found)


TEMPLATES = sorted((ROOT / "components" / "templates").glob("*.html"))


def test_the_plain_pages_templates_escape_everything_they_show() -> None:
    """Jinja escapes every value (components/sign_in_page.py turns autoescaping on); a
    ``|safe`` filter or an ``autoescape false`` block in a template would let one through."""
    assert TEMPLATES
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|autoescape\s+false", text), path.name


# v-html / innerHTML in our own Vue components: the browser would parse the value as markup.
# The board's QR code is an SVG that segno draws from the join address (paths only, no text).
HTML_SINKS = re.compile(r"v-html|innerHTML|outerHTML|insertAdjacentHTML|document\.write")
ALLOWED_SINKS = {("board_view.js", 'v-html="qrSvg"')}


@pytest.mark.parametrize("path", sorted((ROOT / "components").glob("*.js")), ids=lambda p: p.name)
def test_our_vue_components_show_data_as_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [
        line.strip()
        for line in text.splitlines()
        if HTML_SINKS.search(line)
        and not any(path.name == name and sink in line for name, sink in ALLOWED_SINKS)
    ]
    assert not found, found


SAMPLE = """
from nicegui import ui
CSS = ".a { color: red }"
name = input()
ui.label().props(f'aria-label="{name}"')  # flagged
ui.label().classes(f"text-{name}")  # flagged
ui.label().style("color: " + name)  # flagged
ui.label().props(remove=name)  # flagged
ui.run_javascript(f"alert({name})")  # flagged
ui.add_head_html(name)  # flagged
ui.html(name, sanitize=False)  # flagged
ui.markdown(name)  # flagged
table.add_slot("body", f"<q-td>{name}</q-td>")  # flagged
ui.link(name, name)  # flagged
ui.link(name, f"//{name}")  # flagged
ui.notify(name, html=True)  # flagged
ui.select([name]).props("options-html")  # flagged
ui.link(name, f"/subjects/{name}")
ui.add_css(CSS)
table.add_slot("body", "<q-td>{{ props.value }}</q-td>")
ui.label().props("flat dense").classes(remove="hidden").style("gap: 4px")
ui.label().classes("text-negative" if name else "text-grey-7")
ui.label().classes("text-xs " + ("text-negative" if name else ""))  # flagged
ui.html(render_markdown(name), sanitize=False)
ui.run_javascript("return 1", timeout=2)
ui.notify(name, html=False)
"""


def test_the_checker_flags_each_kind_of_data_it_is_meant_to() -> None:
    """Guards the test itself: every unsafe line of the sample is found, and no safe one."""
    flagged = [i for i, line in enumerate(SAMPLE.splitlines(), 1) if line.endswith("# flagged")]
    found = list(violations(SAMPLE, "sample.py"))
    assert sorted({int(v.split(":")[1]) for v in found}) == flagged, found
