"""Markdown written by admins and teachers, rendered to HTML that is safe to show."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"linkify": False, "html": False}).enable("table")
_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}


def render_markdown(text: str) -> str:
    """HTML for ``text``: raw HTML is not passed through, and nh3 strips anything unsafe."""
    return clean_html(_renderer.render(text or ""))


def clean_html(html: str) -> str:
    """``html`` with only the tags above, links to http(s)/mailto only, no other attributes.

    The second line of defence: the renderer already escapes raw HTML and refuses
    ``javascript:`` links. The result is shown with ``ui.html`` (innerHTML), which Vue does not
    compile, so ``{{ }}`` in it stays text.
    """
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
