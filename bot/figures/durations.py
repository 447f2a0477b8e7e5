"""Mean, median and 90th percentile of columns of durations, in one SQL statement with window
functions (`row_number() over (order by …)`, `count(*) over ()`) that SQLite and PostgreSQL
both run: one scan however many columns are measured.

The median is the middle value, or the mean of the two middle values when the count is even;
the 90th percentile is the nearest rank: the value at rank ceil(0.9 × n) in ascending order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from bot.figures.model import Durations


def durations(session: Session, values: Select[*tuple[Any, ...]]) -> list[Durations]:
    """`values` selects columns of seconds over the same rows, none of them NULL; one
    `Durations` per column, in order."""
    inner = values.subquery()
    ranked_columns = []
    for i, column in enumerate(inner.c):
        ranked_columns += [
            column.label(f"v{i}"),
            func.row_number().over(order_by=column).label(f"r{i}"),
        ]
    ranked = select(*ranked_columns, func.count().over().label("n")).subquery()
    n = ranked.c.n
    aggregates: list[Any] = [func.count()]
    for i in range(len(inner.c)):
        value, rank = ranked.c[f"v{i}"], ranked.c[f"r{i}"]
        middle = or_(rank == (n + 1) // 2, rank == (n + 2) // 2)
        aggregates += [
            func.avg(value),
            func.avg(case((middle, value))),
            func.max(case((rank == (9 * n + 9) // 10, value))),
        ]
    row = session.execute(select(*aggregates)).one()
    count = int(row[0])
    return [
        Durations(
            count=count,
            mean=_seconds(row[1 + 3 * i]),
            median=_seconds(row[2 + 3 * i]),
            p90=_seconds(row[3 + 3 * i]),
        )
        for i in range(len(inner.c))
    ]


def _seconds(value: object) -> float | None:
    """To the millisecond: SQLite's julianday arithmetic leaves microsecond noise."""
    return None if value is None else round(float(value), 3)  # type: ignore[arg-type]
