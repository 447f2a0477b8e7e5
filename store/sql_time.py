"""Seconds between two timestamps inside SQL, on SQLite and PostgreSQL alike, so a report can
sum durations with an aggregate instead of loading every row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnExpressionArgument, Float
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
