"""The weekly report's chart series, from SQL aggregates (GROUP BY), never cases in Python: the
cases per day here, SLA attainment and open cases by age from the figures (bot/figures).

Day buckets are CASE expressions over bounds computed in the desk's zone, so SQLite and
PostgreSQL count the same local days without time-zone functions of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from bot.figures import ClockTally
from bot.figures import OpenByAge as FiguresOpenByAge
from bot.reports.period import Days
from config.policy import Policy
from store.models import Case

AGE_BUCKETS = ("under 1 day", "1-3 days", "3-7 days", "7 days or more")
ATTAINMENT_METRICS = ("first_response", "resolution")
UNROUTED = "not routed yet"


@dataclass(frozen=True)
class DailyVolume:
    """Cases first contacted per local day, one row of counts per priority (most severe first)."""

    days: tuple[date, ...]
    counts: dict[str, tuple[int, ...]]


@dataclass(frozen=True)
class Attainment:
    """Per priority and clock: met and breached among the period's cases (running left out)."""

    met: dict[tuple[str, str], int]
    breached: dict[tuple[str, str], int]

    def share(self, priority: str, metric: str) -> float | None:
        """The share met of the clocks decided; None when none was."""
        met = self.met.get((priority, metric), 0)
        decided = met + self.breached.get((priority, metric), 0)
        return met / decided if decided else None


@dataclass(frozen=True)
class OpenByAge:
    """Open cases per group (by its name) and age bucket, as of a moment."""

    as_of: datetime
    counts: dict[str, tuple[int, ...]]


def _bucket(column: Any, bounds: list[datetime]) -> ColumnElement[int]:
    """0 for the first interval of `bounds`, 1 for the next..."""
    whens = [(column < bound, literal(index)) for index, bound in enumerate(bounds[1:])]
    return case(*whens, else_=literal(len(bounds) - 2))


def daily_volume(session: Session, policy: Policy, days: Days) -> DailyVolume:
    dates = days.dates
    bounds = [days.boundary(d) for d in [*dates, days.end]]
    day = _bucket(Case.first_contact_at, bounds).label("day")
    rows = session.execute(
        select(day, Case.priority, func.count())
        .where(Case.first_contact_at >= days.start, Case.first_contact_at < days.stop)
        .group_by(day, Case.priority)
    ).all()
    counts = {p: [0] * len(dates) for p in policy.priorities}
    for index, priority, count in rows:
        counts.setdefault(priority, [0] * len(dates))[index] = count
    return DailyVolume(days=tuple(dates), counts={p: tuple(c) for p, c in counts.items()})


def attainment(tallies: Sequence[ClockTally]) -> Attainment:
    """The figures' SLA tallies (bot/figures, SQL aggregates) as the attainment chart reads them."""
    wanted = [t for t in tallies if t.metric in ATTAINMENT_METRICS]
    return Attainment(
        met={(t.priority, t.metric): t.met for t in wanted},
        breached={(t.priority, t.metric): t.breached for t in wanted},
    )


def open_by_age(policy: Policy, rows: Sequence[FiguresOpenByAge], as_of: datetime) -> OpenByAge:
    """The figures' open cases by group and age, by group name, most open first."""
    counts: dict[str, tuple[int, ...]] = {}
    for row in rows:
        group = policy.groups.get(row.group or "")
        name = group.name if group else UNROUTED
        counts[name] = (row.under_1d, row.d1_to_3, row.d3_to_7, row.over_7d)
    ordered = sorted(counts, key=lambda name: (-sum(counts[name]), name))
    return OpenByAge(
        as_of=as_of, counts={name: counts[name] for name in ordered if sum(counts[name])}
    )
