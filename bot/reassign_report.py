"""ROUTE-4's figures: escalations (by tier) and transfers (by focus area) reported apart, per
group, with the mean reassignments per case (a reported figure of the desk)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
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
    groups: list[GroupMoves]

    @property
    def per_case(self) -> float:
        return self.reassignments / self.cases if self.cases else 0.0


def figures(session: Session, *, since: datetime) -> ReassignmentFigures:
    moves = session.execute(
        select(CaseEvent.kind, CaseEvent.old_value, CaseEvent.new_value).where(
            CaseEvent.kind.in_(("escalated", "transferred", "returned")), CaseEvent.at >= since
        )
    ).all()
    count: Counter[tuple[str, str, str]] = Counter()
    for kind, old, new in moves:
        count[(kind, "out", old or "")] += 1
        count[(kind, "in", new or "")] += 1
    groups = sorted({g for _, _, g in count if g})
    cases, total = session.execute(
        select(func.count(Case.id), func.coalesce(func.sum(Case.reassignments), 0)).where(
            Case.created_at >= since
        )
    ).one()
    return ReassignmentFigures(
        since=since,
        cases=int(cases),
        reassignments=int(total),
        groups=[
            GroupMoves(
                group=g,
                escalated_in=count[("escalated", "in", g)],
                escalated_out=count[("escalated", "out", g)],
                transferred_in=count[("transferred", "in", g)],
                transferred_out=count[("transferred", "out", g)],
                returned_out=count[("returned", "out", g)],
            )
            for g in groups
        ],
    )
