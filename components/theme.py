"""The look every page shares: colours that keep WCAG AA contrast in light and in dark, and a
compact reconnect notice. One style sheet in the shared head (components/frame.share_assets).

Quasar's palette is a set of CSS variables that NiceGUI writes into ``<body style>``; the rules
here are ``!important`` so that they win over those, and the dark set is chosen by Quasar's
``body--dark`` class, so a page follows the system's theme or the user's choice alike. Rules
that must beat Quasar's ``!important`` colour classes sit in NiceGUI's ``overrides`` cascade
layer: an important rule outside every layer loses to Quasar's, whatever its specificity.

- Light: NiceGUI's default blue (#5898d4) and green (#21ba45) carry white text at only 3.1:1
  and 2.6:1; these darker shades reach 4.5:1 both as text on white and under white text.
- Dark: no colour can be both readable on a dark page and under white text, so as in Material's
  dark theme the palette turns to light tints and text on a filled colour turns dark.
- Quasar's grey text classes (``text-grey-7`` for secondary text…) are dark greys, unreadable on
  a dark page: in dark they become the dark theme's secondary text colour.
- Text is set in the system's own sans-serif (San Francisco, Segoe UI, Roboto on Android through
  its Arial alias, Noto or Liberation Sans on Linux) instead of Quasar's web font Roboto: every
  first load on a phone saved two to four font files (35 to 90 KB, more with Cyrillic) that
  competed with the page's scripts for a weak signal (tests/bench/weak_phone.py).
- NiceGUI's ``#popup`` ("Connection lost. Trying to reconnect…", in the page's language) is a
  big box over the bottom of the page; here it is one thin line along the bottom edge, and the
  page gets room below its content while it shows, so nothing stays hidden under it.
"""

from __future__ import annotations

from pathlib import Path

from nicegui import Client, ui

from components import hashed_files

# Tailwind's classes, compiled ahead of time (`make css`; equeue_ui/static/tailwind.input.css),
# instead of NiceGUI's in-browser compiler (68 KB of script run on every page load, slow on a
# phone: tests/bench/weak_phone.py). The app runs with ``tailwind=False`` (equeue_ui/app.py).
TAILWIND_CSS = Path(__file__).resolve().parents[1] / "equeue_ui" / "static" / "tailwind.css"
# Served at an address that names its content (hashed_files): kept by browsers for good.

THEME_CSS = """
body {
    font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", "Liberation Sans",
        Arial, sans-serif;
    --q-primary: #1565c0 !important;
    --q-secondary: #00796b !important;
    --q-accent: #8e24aa !important;
    --q-positive: #2e7d32 !important;
    --q-negative: #c10015 !important;
    --q-info: #01579b !important;
    --q-warning: #8a5300 !important;
    --eq-link: #1d4ed8;
    --eq-muted: rgba(0, 0, 0, 0.68);
    --eq-header: #1565c0;
    background: #fafafa;
}
body.body--dark {
    --q-primary: #90caf9 !important;
    --q-secondary: #80cbc4 !important;
    --q-accent: #ce93d8 !important;
    --q-positive: #81c995 !important;
    --q-negative: #ff8a80 !important;
    --q-info: #81d4fa !important;
    --q-warning: #f2c037 !important;
    --eq-link: #93c5fd;
    --eq-muted: rgba(255, 255, 255, 0.72);
    --eq-header: #1e293b;
    background: #171717;
}
.nicegui-link { color: var(--eq-link); }
.eq-muted { color: var(--eq-muted); }
.eq-note { background: #fff8e1; color: #5d4000; }
body.body--dark .eq-note { background: rgba(242, 192, 55, 0.14); color: #ffe08a; }
.eq-scroll-x { overflow-x: auto; }
.eq-scroll-x .q-table__middle { overflow: visible; max-width: none; }
.q-header.eq-header { background: var(--eq-header); color: #fff; }
@layer overrides {
    body.body--dark .text-grey-5, body.body--dark .text-grey-6, body.body--dark .text-grey-7,
    body.body--dark .text-grey-8, body.body--dark .text-grey-9, body.body--dark .text-grey-10 {
        color: var(--eq-muted) !important;
    }
    body.body--dark :is(
        .bg-primary, .bg-secondary, .bg-accent, .bg-positive, .bg-negative, .bg-info, .bg-warning
    ):is(.text-white, .q-badge) {
        color: rgba(0, 0, 0, 0.87) !important;
    }
}
#popup.nicegui-error-popup {
    left: 0;
    right: 0;
    bottom: 0;
    margin: 0;
    padding: 0.25rem 0.75rem;
    border: none;
    border-top: 1px solid rgba(127, 127, 127, 0.4);
    border-radius: 0;
    flex-direction: row;
    flex-wrap: wrap;
    justify-content: center;
    gap: 0.5ch;
    font-size: 0.8125rem;
    line-height: 1.25rem;
}
#popup.nicegui-error-popup > span:first-child::before { content: none; }
#popup.nicegui-error-popup > span:first-child::after { content: "."; }
body:has(#popup[aria-hidden="false"]) .q-page-container { padding-bottom: 2.5rem; }
"""


def install() -> None:
    """Once per process: into the head every page shares."""
    url = hashed_files.serve(TAILWIND_CSS, "tailwind", "text/css")
    tailwind_link = f'<link rel="stylesheet" href="{url}">'
    if tailwind_link not in Client.shared_head_html:  # setup() runs many times in the tests
        ui.add_head_html(tailwind_link, shared=True)
    if THEME_CSS not in Client.shared_head_html:
        ui.add_css(THEME_CSS, shared=True)


def compiled_tailwind() -> tuple[str, bytes]:
    """The compiled Tailwind style sheet and the address it is served at."""
    return hashed_files.hashed(TAILWIND_CSS, "tailwind")
