"""NiceGUI asks ``inspect.signature`` whether a handler takes arguments for every observable
collection of every element it builds: about 45 times per queue page load, 8 % of a page's
CPU in tests/bench. The answer depends only on the function's code and which parameters have
defaults, so it is remembered per code object (bounded: one entry per distinct function in the
source, however many closures and bound methods are made of it). Anything it cannot answer, or
fails to, NiceGUI's own function answers."""

from __future__ import annotations

import types
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from nicegui import helpers

from equeue_ui.tuning.patch import Fallback, Patch

_original = helpers.expects_arguments
fallback = Fallback("signature_cache")


def cached_expects_arguments(func: Callable[..., Any]) -> bool:
    try:
        function: object = func.__func__ if isinstance(func, types.MethodType) else func
        bound = function is not func
        if (
            not isinstance(function, types.FunctionType)
            or hasattr(function, "__wrapped__")
            or hasattr(function, "__signature__")
        ):
            return _original(func)
        defaults = function.__defaults__ or ()
        keyword_defaults = frozenset(function.__kwdefaults__ or ())
        return _expects(function.__code__, len(defaults), keyword_defaults, bound)
    except Exception as error:
        fallback.note(error)
        return _original(func)


@lru_cache(maxsize=4096)
def _expects(
    code: types.CodeType, default_count: int, keyword_defaults: frozenset[str], bound: bool
) -> bool:
    positional = code.co_varnames[: code.co_argcount][1 if bound else 0 :]
    keyword_only = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
    without_default = len(positional) - default_count
    return without_default > 0 or any(name not in keyword_defaults for name in keyword_only)


def install() -> None:
    helpers.expects_arguments = cached_expects_arguments


def uninstall() -> None:
    helpers.expects_arguments = _original


def installed() -> bool:
    return helpers.expects_arguments is cached_expects_arguments


PATCH = Patch(
    name="signature_cache",
    speeds_up="every page load: NiceGUI's inspect.signature per element handler (8 % of it)",
    verified={"nicegui": "3.18.0"},
    relies_on=(
        "nicegui.helpers.expects_arguments (looked up on the module at every call by NiceGUI's "
        "observables, events and page handlers)",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)
