"""The desk lead's view (QUAL-2): the whole desk at a glance for a manager's App Home. Open cases
by group and priority, untaken major incidents, today's breaches, the clocks at risk, handoffs
waiting for an answer, and the week's headline figures (`bot/figures`). Queries only, each list
cut to a few rows with its full count; bot/render/desk_overview.py draws it.

At risk is SLA-2's own predicate (`bot/sla_risk.py`), as on everyone's Home and `/case list`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot import sla
from bot.case_lists import urgency_order
from bot.figures import DEFAULT, WHOLE_DESK, DeskFigures, desk_figures, parse_period
from bot.home import AtRisk
from bot.sla_risk import clock_at_risk
from bot.take import may_take
from bot.vocabulary import OPEN_STATES
from config.policy import Policy
from store.models import Case, Handoff, HandoffState, SlaClock

if TYPE_CHECKING:
    from bot.desk import CaseSummary

SHOWN = 5  # rows of each list before "and N more"
T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class GroupLoad:
    """Open cases of one group (None: not routed yet), per priority."""

    group: str | None
    name: str
    by_priority: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_priority.values())


@dataclass(frozen=True, kw_only=True)
class Breach:
    """A clock that missed its target today."""

    case: CaseSummary
    label: str
    breached_at: datetime


@dataclass(frozen=True, kw_only=True)
class WaitingHandoff:
    """A handoff offered and not yet answered (ROUTE-3)."""

    case: CaseSummary
    from_user: str
    to_user: str
    offered_at: datetime


@dataclass(frozen=True, kw_only=True)
class Shown(Generic[T]):
    """The first rows of a list, and how many there are in all."""

    rows: list[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True, kw_only=True)
class DeskOverview:
    load: list[GroupLoad]
    untaken_majors: Shown[CaseSummary]
    breaches_today: Shown[Breach]
    at_risk: Shown[AtRisk]
    handoffs: Shown[WaitingHandoff]
    figures: DeskFigures
    takeable: frozenset[int]  # case numbers the viewer may take from a queue


def load(
    session: Session,
    policy: Policy,
    viewer: str,
    summarize: Callable[[Case], CaseSummary],
    *,
    now: datetime,
) -> DeskOverview:
    zone = policy.calendars[policy.default_calendar].timezone
    majors = _cases(session, policy, Case.is_major.is_(True), Case.state == "pending")
    risky = clock_at_risk(now=now, within=policy.at_risk_within)
    at_risk = _clocks(session, risky, Case.state.in_(OPEN_STATES), breached_first=True)
    today = _clocks(session, SlaClock.breached_at >= _midnight(now, zone), breached_first=False)
    handoffs = _handoffs(session)
    cases = [*majors.rows, *(c for c, _ in at_risk.rows), *(c for c, _ in today.rows)]
    cases += [c for c, _ in handoffs.rows]
    return DeskOverview(
        load=_load(session, policy),
        untaken_majors=Shown(rows=[summarize(c) for c in majors.rows], total=majors.total),
        breaches_today=Shown(
            rows=[
                Breach(
                    case=summarize(c),
                    label=sla.METRIC_LABELS[k.metric],
                    breached_at=k.breached_at or now,
                )
                for c, k in today.rows
            ],
            total=today.total,
        ),
        at_risk=Shown(
            rows=[
                AtRisk(
                    case=summarize(c),
                    label=sla.METRIC_LABELS[k.metric],
                    due_at=k.due_at,
                    breached=k.breached_at is not None,
                )
                for c, k in at_risk.rows
            ],
            total=at_risk.total,
        ),
        handoffs=Shown(
            rows=[
                WaitingHandoff(
                    case=summarize(c),
                    from_user=h.from_user,
                    to_user=h.to_user,
                    offered_at=h.requested_at,
                )
                for c, h in handoffs.rows
            ],
            total=handoffs.total,
        ),
        figures=desk_figures(
            session,
            period=parse_period(DEFAULT, now=now, zone=zone),
            scope=WHOLE_DESK,
            policy=policy,
            now=now,
        ),
        takeable=frozenset(
            c.number for c in cases if c.state == "pending" and may_take(policy, c, viewer)
        ),
    )


def _midnight(now: datetime, zone: str) -> datetime:
    tz = ZoneInfo(zone)
    return datetime.combine(now.astimezone(tz).date(), time(0), tz)


def _load(session: Session, policy: Policy) -> list[GroupLoad]:
    """Open cases counted per group and priority by the database, groups in policy order."""
    counts: dict[str | None, dict[str, int]] = {}
    for group, priority, count in session.execute(
        select(Case.group_key, Case.priority, func.count(Case.id))
        .where(Case.state.in_(OPEN_STATES))
        .group_by(Case.group_key, Case.priority)
    ):
        counts.setdefault(group, {})[priority] = int(count)
    rows = [
        GroupLoad(group=key, name=group.name, by_priority=counts[key])
        for key, group in policy.groups.items()
        if key in counts
    ]
    if None in counts:
        rows.append(GroupLoad(group=None, name="Not routed yet", by_priority=counts[None]))
    return rows


def _cases(session: Session, policy: Policy, *where: ColumnElement[bool]) -> Shown[Case]:
    total = session.execute(select(func.count(Case.id)).where(*where)).scalar_one()
    rows = session.execute(
        select(Case).where(*where).order_by(*urgency_order(policy)).limit(SHOWN)
    ).scalars()
    return Shown(rows=list(rows), total=int(total))


def _clocks(
    session: Session, *condition: ColumnElement[bool], breached_first: bool
) -> Shown[tuple[Case, SlaClock]]:
    """Clocks meeting the conditions: missed first, then soonest due (at risk), or the latest
    breach first (today's, closed cases' too)."""
    where = [SlaClock.case_id == Case.id, *condition]
    total = session.execute(select(func.count(SlaClock.id)).where(*where)).scalar_one()
    order = (
        [SlaClock.breached_at.is_(None), SlaClock.due_at, SlaClock.id]
        if breached_first
        else [SlaClock.breached_at.desc(), SlaClock.id]
    )
    rows = session.execute(select(Case, SlaClock).where(*where).order_by(*order).limit(SHOWN))
    return Shown(rows=[(c, k) for c, k in rows], total=int(total))


def _handoffs(session: Session) -> Shown[tuple[Case, Handoff]]:
    where = [Handoff.case_id == Case.id, Handoff.state == HandoffState.PENDING]
    total = session.execute(select(func.count(Handoff.id)).where(*where)).scalar_one()
    rows = session.execute(
        select(Case, Handoff).where(*where).order_by(Handoff.requested_at, Handoff.id).limit(SHOWN)
    )
    return Shown(rows=[(c, h) for c, h in rows], total=int(total))
