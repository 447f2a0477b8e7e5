"""INTAKE-5's reported figure: of the automated contacts (self-service forms, monitoring alerts)
first contacted in the period, how many a person confirmed, corrected, still has to look at, or
closed without looking; and how long validation took, in wall time from first contact. One
GROUP BY for the counts and one window-function pass for the times."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from bot.figures.durations import durations
from bot.figures.model import ValidationFigures, ValidationTally
from store.models import Case, CaseState, Validation
from store.sql_time import seconds_between


def validation(session: Session, opened: Sequence[ColumnElement[bool]]) -> ValidationFigures:
    """`opened`: the conditions of the cases first contacted in the period, in scope."""
    flagged = (*opened, Case.validation.is_not(None))
    still_needed = Case.validation == Validation.NEEDED
    closed = Case.state == CaseState.CLOSED
    rows = session.execute(
        select(
            Case.contact_channel,
            func.count(),
            _count(Case.validation == Validation.CONFIRMED),
            _count(Case.validation == Validation.CORRECTED),
            _count(and_(still_needed, ~closed)),
            _count(and_(still_needed, closed)),
        )
        .where(*flagged)
        .group_by(Case.contact_channel)
        .order_by(Case.contact_channel)
    ).all()
    by_channel = tuple(
        ValidationTally(
            channel=channel,
            flagged=int(n),
            confirmed=int(confirmed),
            corrected=int(corrected),
            waiting=int(waiting),
            closed_unvalidated=int(unvalidated),
        )
        for channel, n, confirmed, corrected, waiting, unvalidated in rows
    )
    (to_validate,) = durations(
        session,
        select(seconds_between(Case.first_contact_at, Case.validated_at)).where(
            *flagged, Case.validated_at.is_not(None)
        ),
    )
    return ValidationFigures(by_channel=by_channel, to_validate=to_validate)


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
