"""What every tuning patch declares, and the one warning a failing patch logs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata

log = logging.getLogger("equeue_ui.tuning")


@dataclass(frozen=True)
class Patch:
    """One change to a third-party library's internals, and how far it may be trusted.

    ``verified`` names each distribution the patch reaches into with the exact version it was
    checked against (equeue_ui/tuning/README.md says how); with any other version installed
    the patch stays out and the library's own code runs.
    """

    name: str
    speeds_up: str
    verified: Mapping[str, str]
    relies_on: tuple[str, ...]
    install: Callable[[], None]
    uninstall: Callable[[], None]
    installed: Callable[[], bool]
    needs: tuple[str, ...] = ()  # patches it builds on (installed first)

    def mismatches(self) -> dict[str, str | None]:
        """Distribution → installed version (None: missing) wherever it is not the verified one."""
        found: dict[str, str | None] = {}
        for distribution, version in self.verified.items():
            installed = _installed_version(distribution)
            if installed != version:
                found[distribution] = installed
        return found


@dataclass
class Fallback:
    """Counts the calls where a patch failed and the stock path ran instead; logs the first.

    A patch may make things faster, never break them: a changed internal shows up as one
    warning with its traceback, not as a warning per request or per viewer."""

    patch: str
    count: int = field(default=0, init=False)

    def note(self, error: BaseException) -> None:
        self.count += 1
        if self.count == 1:
            log.warning(
                "tuning patch %s failed (%s: %s); the stock path ran instead, and will whenever "
                "it fails again (logged once)",
                self.patch,
                type(error).__name__,
                error,
                exc_info=error,
            )

    def reset(self) -> None:
        self.count = 0


def _installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
