"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Enum, Integer
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# What an INTEGER column holds: int4 on PostgreSQL, 64 bits on SQLite; BIGINT: 64 bits.
_INT4 = (-(2**31), 2**31 - 1)
_INT8 = (-(2**63), 2**63 - 1)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes, also on SQLite (which stores them without a zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class KeyOutOfRange(LookupError):
    """An id the key column cannot hold, so no row has it (the services answer "not found")."""


class Key(TypeDecorator[int]):
    """The integer ids and the references to them (``Mapped[int]`` columns, see models.Base).

    An id from an address or a form may be any integer; one beyond the column's range would
    make the database refuse the whole statement (PostgreSQL's int4 at 2**31, SQLite at 2**63)
    where the truth is simply that no such row exists. It is refused here, before the
    statement is sent, with an error the units of work turn into "not found"."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect: Dialect) -> int | None:
        if value is not None:
            low, high = self._range(dialect)
            if not low <= value <= high:
                raise KeyOutOfRange(value)
        return value

    def _range(self, dialect: Dialect) -> tuple[int, int]:
        return _INT4 if dialect.name == "postgresql" else _INT8


class BigKey(Key):
    """An id another system gives (eCourses' users, courses and assignments): 64 bits."""

    impl = BigInteger
    cache_ok = True

    def _range(self, dialect: Dialect) -> tuple[int, int]:
        return _INT8


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint holding the values."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)
