"""What CPython's cycle collector would free: the tests that check nothing is left in cycles."""

from __future__ import annotations

import gc
from collections.abc import Callable


def cyclic_garbage(wanted: Callable[[object], bool]) -> list[object]:
    """The objects a full collection finds in unreachable cycles now (kept aside with
    ``gc.DEBUG_SAVEALL`` instead of freed), those of them ``wanted`` picks."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        return [item for item in gc.garbage if wanted(item)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
