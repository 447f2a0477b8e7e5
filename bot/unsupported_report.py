"""CLASSIFY-2's report: the services people named that are not in the catalog, and the catalog's
services marked unsupported, with the cases on each and the time spent on them.

Time spent is the time each case was open: from first contact to its close, or to now while it
is open, summed per service. Casedesk records no effort logs, so the open time is the measure
of how long the desk carried work it does not support (whatever the case's later override or
decline). Counted over cases first contacted in the period. One grouped SQL query per report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from bot.vocabulary import NOT_IN_CATALOG, OPEN_STATES
from config.policy import Policy
from store.models import Case, UtcDateTime
from store.sql_time import seconds_between


@dataclass(frozen=True, kw_only=True)
class UnsupportedService:
    """One service: a name typed at intake (not in the catalog) or an unsupported catalog key."""

    name: str
    in_catalog: bool
    cases: int
    open_cases: int
    time_spent: timedelta
    last_contact: datetime


@dataclass(frozen=True, kw_only=True)
class UnsupportedReport:
    since: datetime
    services: list[UnsupportedService]

    @property
    def time_spent(self) -> timedelta:
        return sum((s.time_spent for s in self.services), timedelta())


def report(
    session: Session,
    policy: Policy,
    *,
    since: datetime,
    now: datetime,
    until: datetime | None = None,
    where: Sequence[ColumnElement[bool]] = (),
) -> UnsupportedReport:
    """Per service, most time spent first; names typed differently only in letter case or in
    surrounding spaces are one service. Cases first contacted in [since, until) that `where`
    selects; open time counts up to the earlier of the close and `now`."""
    unsupported = [key for key, s in policy.services.items() if not s.supported]
    typed = Case.service_key == NOT_IN_CATALOG
    name = case((typed, func.lower(func.trim(Case.service_name))), else_=Case.service_key).label(
        "name"
    )
    end = func.coalesce(Case.closed_at, literal(now, UtcDateTime()))
    spent = func.sum(seconds_between(Case.first_contact_at, end)).label("spent")
    rows = session.execute(
        select(
            name,
            typed.label("typed"),
            func.count(Case.id),
            func.sum(case((Case.state.in_(OPEN_STATES), 1), else_=0)),
            spent,
            func.max(Case.first_contact_at),
            func.max(func.trim(Case.service_name)),  # one of the spellings people typed
        )
        .where(
            Case.first_contact_at >= since,
            *((Case.first_contact_at < until,) if until is not None else ()),
            *where,
            or_(and_(typed, func.trim(Case.service_name) != ""), Case.service_key.in_(unsupported)),
        )
        .group_by(name, typed)
        .order_by(spent.desc(), name)
    ).all()
    return UnsupportedReport(
        since=since,
        services=[
            UnsupportedService(
                name=str(row[6]) if row[1] else policy.services[str(row[0])].name,
                in_catalog=not row[1],
                cases=int(row[2]),
                open_cases=int(row[3] or 0),
                time_spent=timedelta(seconds=round(float(row[4] or 0))),
                last_contact=row[5],
            )
            for row in rows
        ],
    )
