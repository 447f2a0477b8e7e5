"""ROUTE-4's figures: escalations (by tier) and transfers (by focus area) reported apart, per
group, with the mean reassignments per case (a reported figure of the desk)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from store.models import Case, CaseEvent


@dataclass(frozen=True, kw_only=True)
class GroupMoves:
    group: str
    escalated_in: int
    escalated_out: int
    transferred_in: int
    transferred_out: int
    returned_out: int


@dataclass(frozen=True, kw_only=True)
class ReassignmentFigures:
    since: datetime
    cases: int
    reassignments: int
    escalations: int
    transfers: int
    groups: tuple[GroupMoves, ...]

    @property
    def per_case(self) -> float:
        return self.reassignments / self.cases if self.cases else 0.0


def figures(
    session: Session,
    *,
    since: datetime,
    until: datetime | None = None,
    where: Sequence[ColumnElement[bool]] = (),
    groups: Sequence[str] | None = None,
) -> ReassignmentFigures:
    """Moves made in [since, until) of the cases `where` selects, counted per kind and
    group in SQL; reassignments per case over the cases first contacted in the span. With
    `groups`, only moves into or out of those groups, and cases now in them."""
    before: tuple[ColumnElement[bool], ...] = ()
    opened_before: tuple[ColumnElement[bool], ...] = ()
    if until is not None:
        before, opened_before = (CaseEvent.at < until,), (Case.first_contact_at < until,)
    touching: tuple[ColumnElement[bool], ...] = ()
    current: tuple[ColumnElement[bool], ...] = ()
    if groups is not None:
        touching = (or_(CaseEvent.old_value.in_(groups), CaseEvent.new_value.in_(groups)),)
        current = (Case.group_key.in_(groups),)
    moves = session.execute(
        select(CaseEvent.kind, CaseEvent.old_value, CaseEvent.new_value, func.count())
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.kind.in_(("escalated", "transferred", "returned")),
            CaseEvent.at >= since,
            *before,
            *where,
            *touching,
        )
        .group_by(CaseEvent.kind, CaseEvent.old_value, CaseEvent.new_value)
    ).all()
    count: Counter[tuple[str, str, str]] = Counter()
    for kind, old, new, times in moves:
        count[(kind, "out", old or "")] += int(times)
        count[(kind, "in", new or "")] += int(times)
    groups = sorted({g for _, _, g in count if g})
    cases, total, escalations, transfers = session.execute(
        select(
            func.count(Case.id),
            func.coalesce(func.sum(Case.reassignments), 0),
            func.coalesce(func.sum(Case.escalations), 0),
            func.coalesce(func.sum(Case.transfers), 0),
        ).where(Case.first_contact_at >= since, *opened_before, *where, *current)
    ).one()
    return ReassignmentFigures(
        since=since,
        cases=int(cases),
        reassignments=int(total),
        escalations=int(escalations),
        transfers=int(transfers),
        groups=tuple(
            GroupMoves(
                group=g,
                escalated_in=count[("escalated", "in", g)],
                escalated_out=count[("escalated", "out", g)],
                transferred_in=count[("transferred", "in", g)],
                transferred_out=count[("transferred", "out", g)],
                returned_out=count[("returned", "out", g)],
            )
            for g in groups
        ),
    )
