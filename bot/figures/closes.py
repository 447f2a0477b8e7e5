"""The figures of the period's closes: first-contact resolution against its goal (CLOSE-6),
the reopen rate, and the closes that applied a knowledge article (KB-4). Only closes with a
resolving code count (the close record says whether the desk fixed something); a withdrawal,
a duplicate or a planned outage is no resolution."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import JSON, ColumnElement, and_, case, func, select, type_coerce
from sqlalchemy.orm import Session

from bot.figures.model import FirstContact, Share
from store.models import Case


@dataclass(frozen=True, kw_only=True)
class CloseFigures:
    closed: int  # every close, resolving or not
    first_contact: FirstContact
    reopened: Share
    with_article: int
    without_article: int


def close_figures(
    session: Session,
    closed: Sequence[ColumnElement[bool]],
    *,
    resolving: ColumnElement[bool],
    goal: float,
) -> CloseFigures:
    """One query over the closes `closed` selects, counting the `resolving` ones apart."""
    applied = type_coerce(Case.closure, JSON)["kb"].as_string() == "applied"

    def among_resolving(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((and_(resolving, condition), 1), else_=0))

    everything, total, first, reopened, with_article = session.execute(
        select(
            func.count(Case.id),
            func.sum(case((resolving, 1), else_=0)),
            among_resolving(Case.first_contact_resolution.is_(True)),
            among_resolving(Case.reopen_count > 0),
            among_resolving(applied),
        ).where(*closed)
    ).one()
    total, applied_count = int(total or 0), int(with_article or 0)
    return CloseFigures(
        closed=int(everything),
        first_contact=FirstContact(resolved=Share(part=int(first or 0), whole=total), goal=goal),
        reopened=Share(part=int(reopened or 0), whole=total),
        with_article=applied_count,
        without_article=total - applied_count,
    )
