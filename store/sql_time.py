"""Time arithmetic and formatting inside SQL, on SQLite and PostgreSQL alike, so a report can sum
durations with an aggregate, or export times as text, instead of loading every row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnExpressionArgument, Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement[float]):  # lower case: it reads as SQL
    """`seconds_between(start, end)`: end minus start in seconds, as a float."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"

    def __init__(
        self, start: ColumnExpressionArgument[Any], end: ColumnExpressionArgument[Any]
    ) -> None:
        super().__init__(start, end)


@compiles(seconds_between, "sqlite")
def _sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _postgresql(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


class utc_text(FunctionElement[str]):  # lower case: it reads as SQL
    """`utc_text(moment)`: a stored time as UTC text "YYYY-MM-DD HH:MM:SS" (fractions cut, as
    `isoformat(timespec="seconds")` cuts them), so a large export reads no datetime objects."""

    type = String()
    inherit_cache = True
    name = "utc_text"

    def __init__(self, moment: ColumnExpressionArgument[Any]) -> None:
        super().__init__(moment)


@compiles(utc_text, "sqlite")
def _sqlite_text(element: utc_text, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"substr({moment}, 1, 19)"  # stored as UTC "YYYY-MM-DD HH:MM:SS.ffffff"


@compiles(utc_text, "postgresql")
def _postgresql_text(element: utc_text, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"to_char({moment} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
