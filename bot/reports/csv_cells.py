"""How each stored column becomes a CSV cell, for `csv_export`.

A month's export is hundreds of thousands of rows, so every cell that SQL can make is made there,
in the database's own C loop, and comes out ready to write: text as it is or with its formula
neutralised, flags as yes/no, a clock's state. Only two things stay in Python: desk time (the
zone rules are Python's zoneinfo, not the database's) and the rounding of elapsed seconds
(Python's round-half-even). Empty values come out as None, which the csv writer writes as an
empty cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    DateTime,
    Float,
    Integer,
    SQLColumnExpression,
    String,
    Text,
    case,
    cast,
    func,
    literal_column,
    type_coerce,
)

from store.models import JsonRecord, UtcDateTime
from store.sql_time import utc_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_LITERALS = [literal_column(f"'{c}'", String()) for c in FORMULA_STARTS]
_APOSTROPHE = literal_column("''''", String())
_EMPTY = literal_column("''", String())

Convert = Callable[[Any], Any]


def neutralised(text: ColumnElement[Any]) -> ColumnElement[str]:
    """Text a spreadsheet will not run as a formula: one that starts with = + - @ (or a tab or
    carriage return) gets a leading apostrophe (OWASP's advice); NULL becomes ''."""
    return case(
        (func.substr(text, 1, 1).in_(_FORMULA_LITERALS), _APOSTROPHE + text),
        else_=func.coalesce(text, _EMPTY),
    )


def yes_no(flag: ColumnElement[Any]) -> ColumnElement[str]:
    return case(
        (flag.is_(None), _EMPTY), (flag, literal_column("'yes'")), else_=literal_column("'no'")
    )


def label(prefix: str, number: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """`CASE-1001` from the number."""
    return literal_column(f"'{prefix}'", String()) + cast(number, String())


class Cells:
    """The SELECT list of a CSV file, column by column, and the few conversions Python makes on
    each row it returns."""

    def __init__(self, zone: str) -> None:
        self.columns: list[SQLColumnExpression[Any]] = []
        self.converts: list[tuple[int, Convert]] = []
        self.times = DeskTimes(ZoneInfo(zone))

    def add(self, column: SQLColumnExpression[Any], convert: Convert | None = None) -> None:
        if convert is not None:
            self.converts.append((len(self.columns), convert))
        self.columns.append(column)

    def stored(self, column: ColumnElement[Any]) -> None:
        """A stored column as its cell: times in desk time, JSON as the text stored, flags as
        yes/no, numbers as they are, everything else as neutralised text."""
        kind = column.type
        if isinstance(kind, UtcDateTime | DateTime):
            self.time(column)
        elif isinstance(kind, JSON | JsonRecord):
            self.add(neutralised(cast(column, Text())))
        elif isinstance(kind, Boolean):
            self.add(yes_no(column))
        elif isinstance(kind, Integer | Float):
            self.add(column)
        else:
            self.add(neutralised(type_coerce(column, String())))

    def time(self, column: SQLColumnExpression[Any]) -> None:
        self.add(utc_text(column), self.times)

    def rows(self, rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        """The rows as cells: SQL made all but the converted columns."""
        converts = self.converts
        if not converts:
            yield from rows
            return
        if len(converts) == 1:  # a timeline row's one time: a new tuple is 3x quicker
            ((index, convert),) = converts
            for row in rows:
                yield (*row[:index], convert(row[index]), *row[index + 1 :])
            return
        for row in rows:
            cells = list(row)
            for index, convert in converts:
                cells[index] = convert(cells[index])
            yield cells


def rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


class DeskTimes:
    """UTC text "YYYY-MM-DD HH:MM:SS" (`utc_text`) as desk time in the same form.

    Zone offsets change a few times a year and, nearly everywhere, by whole hours: so the local
    date and hour of each UTC hour is worked out once, and a time is that hour's local prefix
    followed by its own minutes and seconds. An hour in which the offset changes, or a zone with
    a part-hour offset, takes the full conversion for each time."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.hours: dict[str, str] = {}

    def __call__(self, value: str | None) -> str:
        if value is None:
            return ""
        prefix = self.hours.get(value[:13])
        if prefix is None:
            prefix = self.hours[value[:13]] = self._hour(value[:13])
        if prefix:
            return prefix + value[13:19]
        return self.exact(value)

    def exact(self, value: str) -> str:
        moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
        return moment.astimezone(self.zone).isoformat(" ", "seconds")[:19]

    def _hour(self, hour: str) -> str:
        """The local "YYYY-MM-DD HH" of this UTC hour, or "" when no single one fits it."""
        utc = datetime.fromisoformat(hour + ":00:00").replace(tzinfo=UTC)
        start = utc.astimezone(self.zone)
        end = (utc + timedelta(minutes=59, seconds=59)).astimezone(self.zone)
        offset = start.utcoffset()
        if offset is None or offset != end.utcoffset() or offset % timedelta(hours=1):
            return ""
        return start.isoformat(" ")[:13]
