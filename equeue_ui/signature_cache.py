"""NiceGUI asks ``inspect.signature`` whether a handler takes arguments for every observable
collection of every element it builds: about 45 times per queue page load, 8 % of a page's
CPU in tests/bench. The answer depends only on the function's code and which parameters have
defaults, so it is remembered per code object (bounded: one entry per distinct function in the
source, however many closures and bound methods are made of it)."""

from __future__ import annotations

import types
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from nicegui import helpers

_original = helpers.expects_arguments


def install() -> None:
    if helpers.expects_arguments is not _cached_expects_arguments:
        helpers.expects_arguments = _cached_expects_arguments


def _cached_expects_arguments(func: Callable[..., Any]) -> bool:
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


@lru_cache(maxsize=4096)
def _expects(
    code: types.CodeType, default_count: int, keyword_defaults: frozenset[str], bound: bool
) -> bool:
    positional = code.co_varnames[: code.co_argcount][1 if bound else 0 :]
    keyword_only = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
    without_default = len(positional) - default_count
    return without_default > 0 or any(name not in keyword_defaults for name in keyword_only)
