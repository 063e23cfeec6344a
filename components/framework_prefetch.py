"""What every NiceGUI page loads before it shows anything, for the plain sign-in page to fetch
ahead (``<link rel="prefetch">``) while the reader types.

The sign-in page itself needs none of it (components/sign_in_page.py), but the page after it
does: about 280 KB, 2.7 s on a phone on a weak signal with an empty cache, 1.8 s with these
files cached (tests/bench/weak_phone.py). Typing a username and a password takes longer than
fetching them, so the first page after signing in starts with a warm cache.

The names are NiceGUI's (its page template, templates/index.html, and its import map,
dependencies.py) for the locked version; tests/e2e/test_sign_in_forms.py checks that a NiceGUI
page asks for nothing of the kind that is not fetched ahead. A name a later NiceGUI drops is
left out here (its file is looked for), so the worst an upgrade does is prefetch less.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import nicegui

from components import icon_font, theme
from components.i18n import PAGE_LANGUAGES

_STATIC = Path(nicegui.__file__).parent / "static"
# In the order a page asks for them: its style sheets first, then its scripts.
_FILES = (
    "fonts.css",
    "quasar.unimportant.prod.css",
    "quasar.important.prod.css",
    "nicegui.css",
    "vue.esm-browser.prod.js",
    "socket.io.min.js",
    "quasar.umd.prod.js",
    "nicegui.js",
    "dompurify.mjs",
)


@cache
def addresses(language: str) -> tuple[str, ...]:
    """The addresses of the files a NiceGUI page in ``language`` loads first."""
    static = f"/_nicegui/{nicegui.__version__}/static/"
    names = [*_FILES, f"lang/{PAGE_LANGUAGES[language]}.umd.prod.js"]
    ours = (theme.compiled_tailwind()[0], icon_font.served_font()[0])
    return tuple(static + name for name in names if (_STATIC / name).is_file()) + ours
