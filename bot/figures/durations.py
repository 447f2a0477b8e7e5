"""Mean, median and 90th percentile of a column of durations, in one SQL statement with window
functions (`row_number`, `count(*) over ()`) that SQLite and PostgreSQL both run.

The median is the middle value, or the mean of the two middle values when the count is even;
the 90th percentile is the nearest rank: the value at rank ceil(0.9 × n) in ascending order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from bot.figures.model import Durations


def durations(session: Session, values: Select[Any]) -> Durations:
    """`values` selects one column of seconds (NULLs are left out)."""
    inner = values.subquery()
    v = inner.c[0]
    ranked = (
        select(
            v.label("v"),
            func.row_number().over(order_by=v).label("rn"),
            func.count().over().label("n"),
        )
        .where(v.is_not(None))
        .subquery()
    )
    rn, n, value = ranked.c.rn, ranked.c.n, ranked.c.v
    middle = or_(rn == (n + 1) // 2, rn == (n + 2) // 2)
    count, mean, median, p90 = session.execute(
        select(
            func.count(),
            func.avg(value),
            func.avg(case((middle, value))),
            func.max(case((rn == (9 * n + 9) // 10, value))),
        )
    ).one()
    return Durations(
        count=int(count),
        mean=_seconds(mean),
        median=_seconds(median),
        p90=_seconds(p90),
    )


def _seconds(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
