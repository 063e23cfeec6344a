"""Every public service function, found by walking equeue_ui/services: the hostile-input tests
check that each one taking text (or an id) is in their tables, so a new service is covered
from the day it is written."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import equeue_ui.services
from db.models import Base
from equeue_ui.services.uow import UnitOfWork
from equeue_ui.services.views import QueueSnapshot


@dataclass(frozen=True)
class Service:
    name: str  # "module.function"
    function: Callable[..., Any]
    parameters: dict[str, Any]  # name -> resolved annotation

    def text_parameters(self) -> list[str]:
        return [name for name, hint in self.parameters.items() if _mentions(hint, str)]

    def id_parameters(self) -> list[str]:
        return [
            name
            for name, hint in self.parameters.items()
            if name.endswith(("_id", "_ids")) and _mentions(hint, int)
        ]


def services() -> Iterator[Service]:
    """Public functions of the service modules, but not the building blocks that run inside
    another service's unit of work (they take its session, or ORM rows and snapshots it has
    already read): their callers are the services tested."""
    for info in pkgutil.iter_modules(equeue_ui.services.__path__):
        module = importlib.import_module(f"equeue_ui.services.{info.name}")
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module.__name__:
                continue
            hints = typing.get_type_hints(function)
            hints.pop("return", None)
            if any(_is_building_block_input(hint) for hint in hints.values()):
                continue
            yield Service(f"{info.name}.{name}", function, hints)


def _is_building_block_input(hint: Any) -> bool:
    return any(
        isinstance(kind, type) and issubclass(kind, (AsyncSession, UnitOfWork, Base, QueueSnapshot))
        for kind in _flatten(hint)
    )


def _mentions(hint: Any, kind: type) -> bool:
    return kind in _flatten(hint)


def _flatten(hint: Any) -> set[Any]:
    found = {hint}
    for argument in typing.get_args(hint):
        found |= _flatten(argument)
    return found
