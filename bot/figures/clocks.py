"""SLA attainment per priority and clock (SLA-2), and the time to first response and to
resolution as the clocks measured it (SLA-1's business time) beside wall time.

A clock counts as breached when the timeline records a breach of its metric on the case
(`sla_breach`; the next-update clock restarts with every update, the record stays), as met
when it was met without one, as running while its case is open, and as stopped when its case
closed without meeting it (withdrawn, duplicate ...)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from bot.figures.durations import durations
from bot.figures.model import ClockTally, TimeTo
from bot.sla import METRICS
from store.models import Case, CaseEvent, CaseState, SlaClock
from store.sql_time import seconds_between


def tallies(
    session: Session, cohort: Sequence[ColumnElement[bool]], priorities: Sequence[str]
) -> tuple[ClockTally, ...]:
    """Every clock of the cohort's cases, by the case's priority now and the metric."""
    breaches = (
        select(CaseEvent.case_id, CaseEvent.field)
        .where(CaseEvent.kind == "sla_breach")
        .group_by(CaseEvent.case_id, CaseEvent.field)
        .subquery()
    )
    breached = breaches.c.case_id.is_not(None)
    unmet = and_(SlaClock.met_at.is_(None), breaches.c.case_id.is_(None))
    closed = Case.state == CaseState.CLOSED
    rows = session.execute(
        select(
            Case.priority,
            SlaClock.metric,
            func.sum(case((and_(SlaClock.met_at.is_not(None), ~breached), 1), else_=0)),
            func.sum(case((breached, 1), else_=0)),
            func.sum(case((and_(unmet, ~closed), 1), else_=0)),
            func.sum(case((and_(unmet, closed), 1), else_=0)),
        )
        .join(Case, Case.id == SlaClock.case_id)
        .outerjoin(
            breaches,
            and_(breaches.c.case_id == SlaClock.case_id, breaches.c.field == SlaClock.metric),
        )
        .where(*cohort)
        .group_by(Case.priority, SlaClock.metric)
    ).all()
    found = {(str(r[0]), str(r[1])): r for r in rows}
    order = {p: i for i, p in enumerate(priorities)}
    return tuple(
        ClockTally(
            priority=priority,
            metric=metric,
            met=int(row[2] or 0),
            breached=int(row[3] or 0),
            running=int(row[4] or 0),
            stopped=int(row[5] or 0),
        )
        for priority, metric in sorted(
            found, key=lambda pm: (order.get(pm[0], len(order)), pm[0], METRICS.index(pm[1]))
        )
        for row in (found[(priority, metric)],)
    )


def time_to(session: Session, metric: str, cases: Sequence[ColumnElement[bool]]) -> TimeTo:
    """The met clocks of `metric` on the cases selected: the business seconds the clock
    counted (its calendar's open hours, pauses left out) and the wall time from its start to
    the moment it was met."""
    met = (
        select(SlaClock.elapsed_seconds, seconds_between(SlaClock.started_at, SlaClock.met_at))
        .join(Case, Case.id == SlaClock.case_id)
        .where(SlaClock.metric == metric, SlaClock.met_at.is_not(None), *cases)
    )
    business, wall = durations(session, met)
    return TimeTo(metric=metric, business=business, wall=wall)
