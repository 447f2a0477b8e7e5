"""The weekly report's chart series, each one SQL aggregate (GROUP BY), never cases in Python.

Day and age buckets are CASE expressions over bounds computed in the desk's zone, so SQLite and
PostgreSQL count the same local days without time-zone functions of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from bot.reports.period import Days
from bot.sla import STOPPED_STATES
from config.policy import Policy
from store.models import Case, SlaClock

AGE_BUCKETS = ("under 1 day", "1-3 days", "3-7 days", "over 7 days")
AGE_LIMITS = (timedelta(days=1), timedelta(days=3), timedelta(days=7))
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


def attainment(session: Session, days: Days) -> Attainment:
    met = and_(SlaClock.met_at.is_not(None), SlaClock.breached_at.is_(None))
    rows = session.execute(
        select(
            Case.priority,
            SlaClock.metric,
            func.sum(case((met, 1), else_=0)),
            func.sum(case((SlaClock.breached_at.is_not(None), 1), else_=0)),
        )
        .join(Case, Case.id == SlaClock.case_id)
        .where(
            Case.first_contact_at >= days.start,
            Case.first_contact_at < days.stop,
            SlaClock.metric.in_(ATTAINMENT_METRICS),
        )
        .group_by(Case.priority, SlaClock.metric)
    ).all()
    return Attainment(
        met={(p, m): int(n or 0) for p, m, n, _ in rows},
        breached={(p, m): int(b or 0) for p, m, _, b in rows},
    )


def open_by_age(session: Session, policy: Policy, as_of: datetime) -> OpenByAge:
    # Age since first contact; a bucket holds its lower bound (exactly one day old is 1-3 days).
    whens = [
        (Case.first_contact_at > as_of - limit, literal(i)) for i, limit in enumerate(AGE_LIMITS)
    ]
    age = case(*whens, else_=literal(len(AGE_BUCKETS) - 1)).label("age")
    rows = session.execute(
        select(Case.group_key, age, func.count())
        .where(Case.state.not_in(STOPPED_STATES), Case.first_contact_at <= as_of)
        .group_by(Case.group_key, age)
    ).all()
    counts: dict[str, list[int]] = {}
    for group_key, index, count in rows:
        group = policy.groups.get(group_key or "")
        name = group.name if group else UNROUTED
        counts.setdefault(name, [0] * len(AGE_BUCKETS))[index] += count
    ordered = sorted(counts, key=lambda name: (-sum(counts[name]), name))
    return OpenByAge(as_of=as_of, counts={name: tuple(counts[name]) for name in ordered})
