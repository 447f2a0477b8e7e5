"""What the App Home shows a person: their cases by role, their groups' queues, handoffs
waiting for their answer, and the clocks most at risk. Queries only; bot/render/home.py draws it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import sla
from bot.sla_risk import clock_at_risk
from bot.vocabulary import OPEN_STATES
from config.policy import Group, Policy
from store.models import Case, CaseParty, Handoff, PartyRole, SlaClock

if TYPE_CHECKING:
    from bot.desk import CaseSummary

PER_LIST = 10


@dataclass(frozen=True, kw_only=True)
class AtRisk:
    """One clock of the person's cases that needs them (SLA-2)."""

    case: CaseSummary
    label: str
    due_at: datetime | None
    breached: bool


@dataclass(frozen=True, kw_only=True)
class HomeData:
    coordinating: list[CaseSummary]
    following: list[CaseSummary]
    requested: list[CaseSummary]
    handoffs: list[CaseSummary]
    queues: list[tuple[Group, list[CaseSummary]]]
    at_risk: list[AtRisk]


def load(
    session: Session,
    policy: Policy,
    user: str,
    summarize: Callable[[Case], CaseSummary],
    *,
    now: datetime,
) -> HomeData:
    def by_role(role: str) -> list[CaseSummary]:
        return [summarize(c) for c in _cases_where(session, user, role)]

    return HomeData(
        coordinating=by_role("coordinator"),
        following=by_role("interested"),
        requested=by_role("requester"),
        handoffs=[summarize(c) for c in _handoffs_to(session, user)],
        queues=[
            (group, [summarize(c) for c in _pending_in(session, group)])
            for group in my_groups(policy, user)
        ],
        at_risk=[
            AtRisk(
                case=summarize(case),
                label=sla.METRIC_LABELS[clock.metric],
                due_at=clock.due_at,
                breached=clock.breached_at is not None,
            )
            for case, clock in _at_risk(session, user, now=now, within=policy.at_risk_within)
        ],
    )


def my_groups(policy: Policy, user: str) -> list[Group]:
    """The groups whose queue the person may take from."""
    return [
        group
        for group in policy.groups.values()
        if user in policy.members_of(group)
        or user == group.supervisor
        or (group.key == policy.command_center_group and policy.has_role(user, "command_center"))
    ]


def _cases_where(session: Session, user: str, role: str) -> list[Case]:
    theirs = select(CaseParty.case_id).where(
        CaseParty.user_id == user, CaseParty.until.is_(None), CaseParty.role == role
    )
    return list(
        session.execute(
            select(Case)
            .where(Case.id.in_(theirs), Case.state.in_(OPEN_STATES))
            .order_by(Case.priority, Case.number)
            .limit(PER_LIST)
        ).scalars()
    )


def _handoffs_to(session: Session, user: str) -> list[Case]:
    return list(
        session.execute(
            select(Case)
            .join(Handoff, Handoff.case_id == Case.id)
            .where(Handoff.to_user == user, Handoff.state == "pending")
            .order_by(Case.priority, Case.number)
            .limit(PER_LIST)
        ).scalars()
    )


def _pending_in(session: Session, group: Group) -> list[Case]:
    return list(
        session.execute(
            select(Case)
            .where(Case.group_key == group.key, Case.state == "pending")
            .order_by(Case.priority, Case.number)
            .limit(PER_LIST)
        ).scalars()
    )


def _at_risk(
    session: Session, user: str, *, now: datetime, within: timedelta
) -> list[tuple[Case, SlaClock]]:
    """The unmet clocks of the cases the person coordinates that are breached, past the
    warning share of their target, or due within `within`: breached first, then soonest due."""
    rows = session.execute(
        select(Case, SlaClock)
        .join(SlaClock, SlaClock.case_id == Case.id)
        .join(CaseParty, CaseParty.case_id == Case.id)
        .where(
            CaseParty.user_id == user,
            CaseParty.role == PartyRole.COORDINATOR,
            CaseParty.until.is_(None),
            Case.state.in_(OPEN_STATES),
            clock_at_risk(now=now, within=within),
        )
        .order_by(SlaClock.breached_at.is_(None), SlaClock.due_at, SlaClock.id)
        .limit(PER_LIST)
    ).all()
    return [(case, clock) for case, clock in rows]
