"""`equeue run` with the app's garbage-collector pauses written to its log (``--gc-trace``).

The app is started exactly as `python -m equeue_ui.cli run`, plus a ``gc.callbacks`` hook that
prints one ``GCPAUSE`` line per collection longer than a few milliseconds: a full collection
stops the event loop, and with it every viewer's updates.
"""

from __future__ import annotations

import gc
import sys
import time

# Started by file path: do not let this folder's modules shadow anything the app imports.
if sys.path and sys.path[0].endswith("bench"):
    sys.path.pop(0)

LOGGED_ABOVE = 0.005
_started = [0.0]


def _on_collection(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _started[0] = time.perf_counter()
        return
    pause = time.perf_counter() - _started[0]
    if pause > LOGGED_ABOVE:
        print(
            f"GCPAUSE gen={info['generation']} ms={pause * 1000:.1f} at={time.time():.3f}",
            file=sys.stderr,
            flush=True,
        )


def main() -> int:
    gc.callbacks.append(_on_collection)
    from equeue_ui.cli import main as cli_main

    return cli_main(["run"])


if __name__ == "__main__":
    raise SystemExit(main())
