"""The figures of the period's closes: first-contact resolution against its goal (CLOSE-6),
the reopen rate, and the closes that applied a knowledge article (KB-4). Only closes with a
resolving code count (the close record says whether the desk fixed something); a withdrawal,
a duplicate or a planned outage is no resolution."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import JSON, ColumnElement, case, func, select, type_coerce
from sqlalchemy.orm import Session

from bot.figures.model import FirstContact, Share
from store.models import Case


@dataclass(frozen=True, kw_only=True)
class CloseFigures:
    first_contact: FirstContact
    reopened: Share
    with_article: int
    without_article: int


def close_figures(
    session: Session, resolving: Sequence[ColumnElement[bool]], *, goal: float
) -> CloseFigures:
    """One grouped query over the resolving closes `resolving` selects."""
    applied = type_coerce(Case.closure, JSON)["kb"].as_string() == "applied"
    total, first, reopened, with_article = session.execute(
        select(
            func.count(Case.id),
            func.sum(case((Case.first_contact_resolution.is_(True), 1), else_=0)),
            func.sum(case((Case.reopen_count > 0, 1), else_=0)),
            func.sum(case((applied, 1), else_=0)),
        ).where(*resolving)
    ).one()
    total, applied_count = int(total), int(with_article or 0)
    return CloseFigures(
        first_contact=FirstContact(resolved=Share(part=int(first or 0), whole=total), goal=goal),
        reopened=Share(part=int(reopened or 0), whole=total),
        with_article=applied_count,
        without_article=total - applied_count,
    )
