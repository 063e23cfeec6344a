"""Requirements in Markdown (SPEC §1): hostile input comes out as text or not at all.

The HTML is shown with ``ui.html(..., sanitize=False)``, so this module is what keeps script out;
the browser test (tests/e2e/test_hostile_names.py) checks that Vue does not compile ``{{ }}``
in it either.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from equeue_ui.markdown import clean_html, render_markdown


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_raw_html_in_markdown_is_shown_as_text(text: str) -> None:
    html = render_markdown(text)
    assert "<" + text[1:] not in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        "<javascript:alert(1)>",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_links_to_script_or_data_are_not_links(text: str) -> None:
    html = render_markdown(text).lower()
    assert "href" not in html, html


def test_web_and_mail_links_stay_links_and_open_nothing_with_our_rights() -> None:
    html = render_markdown("[lab](https://example.org/lab) and [mail](mailto:t@example.org)")
    assert 'href="https://example.org/lab"' in html
    assert 'href="mailto:t@example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_a_title_cannot_break_out_into_an_event_handler() -> None:
    html = render_markdown('[a](https://example.org "t\\" onmouseover=\\"alert(1)")')
    assert _attributes(html) == {("a", "href"), ("a", "title"), ("a", "rel")}, html


def test_template_braces_stay_text() -> None:
    assert render_markdown("Mark: {{ 7*7 }}") == "<p>Mark: {{ 7*7 }}</p>\n"


def test_images_are_dropped_so_nothing_loads_from_elsewhere() -> None:
    assert "<img" not in render_markdown("![x](https://tracker.example/p.png)")


@pytest.mark.parametrize(
    ("html", "unwanted"),
    [
        ('<img src="x" onerror="alert(1)">', "<img"),
        ('<p onclick="alert(1)">x</p>', "onclick"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="https://e.org" style="position:fixed" target="_top">x</a>', "style"),
        ("<script>alert(1)</script>", "<script"),
        ('<iframe src="https://e.org"></iframe>', "<iframe"),
        ('<p v-html="x" :title="alert(1)" @click="alert(1)">x</p>', "alert"),
    ],
)
def test_the_sanitiser_alone_strips_what_the_renderer_might_let_through(
    html: str, unwanted: str
) -> None:
    """Second line of defence: if the renderer ever passed raw HTML, nh3 still cleans it."""
    assert unwanted not in clean_html(html)


def _attributes(html: str) -> set[tuple[str, str]]:
    """Every (tag, attribute name) pair in ``html``, as a browser would parse it."""
    found: set[tuple[str, str]] = set()

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.update((tag, name) for name, _ in attrs)

    Collector().feed(html)
    return found
