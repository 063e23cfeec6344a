"""Every patch of a third-party library's internals, in one place (README.md lists them).

The app's wiring calls :func:`install_all` once per setup. Each patch declares the versions of
the libraries it was verified with and is installed only where exactly those are installed;
``EQUEUE_TUNING=off`` installs none, and the libraries' own code runs everywhere.
"""

from __future__ import annotations

import logging

from equeue_ui.settings import Settings
from equeue_ui.tuning import (
    closed_pages,
    closed_sockets,
    closed_tabs,
    engineio_poll,
    frame_fanout,
    light_middleware,
    light_waits,
    open_page_memory,
    outbox_wait,
    ping_timers,
    room_index,
    signature_cache,
    socket_reader,
    socket_shortcut,
    stack,
)
from equeue_ui.tuning.patch import Patch

log = logging.getLogger(__name__)

# In this order: a patch comes after those it builds on (Patch.needs).
PATCHES: tuple[Patch, ...] = (
    stack.PATCH,
    socket_shortcut.PATCH,
    light_middleware.PATCH,
    signature_cache.PATCH,
    engineio_poll.PATCH,
    frame_fanout.PATCH,
    open_page_memory.PATCH,
    outbox_wait.PATCH,
    room_index.PATCH,
    closed_pages.PATCH,
    closed_sockets.PATCH,
    closed_tabs.PATCH,
    ping_timers.PATCH,
    socket_reader.PATCH,
    light_waits.PATCH,
)


def install_all(settings: Settings) -> list[str]:
    """Install every patch whose libraries are at the verified versions (one warning for each
    other one); none with ``EQUEUE_TUNING=off``. Returns the names of those installed.

    Patches of an earlier setup in this process (tests set the app up many times) go first."""
    uninstall_all()
    if not settings.tuning:
        log.info("EQUEUE_TUNING=off: no tuning patch installed, the libraries' own code runs")
        return []
    done: list[str] = []
    for patch in PATCHES:
        if missing := [name for name in patch.needs if name not in done]:
            log.warning(
                "tuning patch %s not installed: it builds on %s, which is not; the stock path runs",
                patch.name,
                ", ".join(missing),
            )
            continue
        if mismatched := patch.mismatches():
            log.warning(
                "tuning patch %s not installed: verified with %s, installed %s; the stock path "
                "runs (equeue_ui/tuning/README.md: re-verifying after an upgrade)",
                patch.name,
                ", ".join(f"{name} {patch.verified[name]}" for name in mismatched),
                ", ".join(f"{name} {found or '(missing)'}" for name, found in mismatched.items()),
            )
            continue
        try:
            patch.install()
        except Exception:
            log.warning("tuning patch %s failed to install; the stock path runs", patch.name,
                        exc_info=True)  # fmt: skip
            patch.uninstall()
            continue
        done.append(patch.name)
    return done


def uninstall_all() -> None:
    """The libraries' own code everywhere again."""
    for patch in reversed(PATCHES):
        patch.uninstall()


def installed() -> dict[str, bool]:
    """Each patch's name and whether it is in effect now."""
    return {patch.name: patch.installed() for patch in PATCHES}
