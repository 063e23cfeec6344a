"""The remembered answer to "does this handler take arguments?" equals NiceGUI's own."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from equeue_ui.tuning.signature_cache import _original, cached_expects_arguments


def plain() -> None: ...
def one(event: object) -> None: ...
def defaulted(event: object = None) -> None: ...
def varargs(*args: object, **kwargs: object) -> None: ...
def keyword_only(*, event: object) -> None: ...
def keyword_only_defaulted(*, event: object = None) -> None: ...
def mixed(a: object, b: object = 1, *rest: object, c: object, d: object = 2) -> None: ...
async def async_one(event: object) -> None: ...


class Handlers:
    def method(self) -> None: ...
    def method_one(self, event: object) -> None: ...
    def method_defaulted(self, event: object = None) -> None: ...
    def __call__(self, event: object) -> None: ...

    @staticmethod
    def static(event: object) -> None: ...

    @classmethod
    def klass(cls) -> None: ...


@functools.wraps(one)
def wrapped_plain_looking(*args: object) -> None: ...


handlers = Handlers()
CASES: list[Callable[..., Any]] = [
    plain, one, defaulted, varargs, keyword_only, keyword_only_defaulted, mixed, async_one,
    lambda: None, lambda e: None, lambda c=1: None, lambda *a: None,
    handlers.method, handlers.method_one, handlers.method_defaulted, handlers, Handlers.static,
    Handlers.klass, Handlers.method_one, functools.partial(mixed, 1, c=3), wrapped_plain_looking,
    print, len,
]  # fmt: skip


@pytest.mark.parametrize("handler", CASES, ids=lambda h: getattr(h, "__name__", repr(h)))
def test_the_cached_answer_is_nicegui_s(handler: Callable[..., Any]) -> None:
    assert cached_expects_arguments(handler) == _original(handler)
    assert cached_expects_arguments(handler) == _original(handler)  # and again, from the cache


def test_closures_of_one_function_share_one_entry() -> None:
    made = [(lambda value=i: value) for i in range(100)]
    before = _cached_entries()
    for handler in made:
        cached_expects_arguments(handler)
    assert _cached_entries() - before <= 1


def _cached_entries() -> int:
    from equeue_ui.tuning.signature_cache import _expects

    return _expects.cache_info().currsize


def test_if_the_cache_fails_nicegui_answers_and_it_is_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from equeue_ui.tuning import signature_cache

    def broken(*args: object) -> bool:
        raise TypeError("code objects changed")

    monkeypatch.setattr(signature_cache, "_expects", broken)
    monkeypatch.setattr(signature_cache.fallback, "count", 0)

    answers = [cached_expects_arguments(handler) for handler in (one, plain, one)]

    assert answers == [_original(one), _original(plain), _original(one)] == [True, False, True]
    assert signature_cache.fallback.count == 3
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "signature_cache" in caplog.records[0].getMessage()
