"""What the App Home shows a person: their cases by role, their groups' queues, handoffs
waiting for their answer, and the clocks most at risk. Queries only; bot/render/home.py draws it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import sla
from bot.vocabulary import OPEN_STATES
from config.policy import Group, Policy
from store.models import Case, CaseParty, Handoff, SlaClock

if TYPE_CHECKING:
    from bot.desk import CaseSummary

PER_LIST = 10


@dataclass(frozen=True, kw_only=True)
class HomeData:
    coordinating: list[CaseSummary]
    following: list[CaseSummary]
    requested: list[CaseSummary]
    handoffs: list[CaseSummary]
    queues: list[tuple[Group, list[CaseSummary]]]
    at_risk: list[tuple[CaseSummary, str, datetime]]


def load(
    session: Session, policy: Policy, user: str, summarize: Callable[[Case], CaseSummary]
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
        at_risk=[(summarize(c), m, due) for c, m, due in _at_risk(session, user)],
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


def _at_risk(session: Session, user: str) -> list[tuple[Case, str, datetime]]:
    rows = session.execute(
        select(Case, SlaClock.metric, SlaClock.due_at)
        .join(SlaClock, SlaClock.case_id == Case.id)
        .join(CaseParty, CaseParty.case_id == Case.id)
        .where(
            CaseParty.user_id == user,
            CaseParty.role == "coordinator",
            CaseParty.until.is_(None),
            SlaClock.met_at.is_(None),
            SlaClock.due_at.is_not(None),
            Case.state.in_(OPEN_STATES),
        )
        .order_by(SlaClock.due_at)
        .limit(PER_LIST)
    ).all()
    return [(case, sla.METRIC_LABELS[metric], due) for case, metric, due in rows if due]
