"""INTAKE-5's reported figure: of the automated contacts recorded in a period, how many a person
confirmed, how many were corrected, how many still wait, and how long validation took."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Case, CaseState, Validation


@dataclass(frozen=True, kw_only=True)
class ValidationCounts:
    """One set of counts: the whole period, or one contact channel of it."""

    flagged: int = 0
    confirmed: int = 0
    corrected: int = 0
    waiting: int = 0  # still flagged and open
    closed_unvalidated: int = 0  # closed (withdrawn, duplicate...) while still flagged


@dataclass(frozen=True, kw_only=True)
class ValidationFigures:
    """Cases flagged "needs validation" whose first contact fell in [start, end), as they stand
    at `now`. `median_to_validate` is wall-clock time from first contact to the confirm or
    correction (None when none was validated); `by_channel` splits the counts by contact
    channel (`self_service`, `monitoring`)."""

    start: datetime
    end: datetime
    now: datetime
    total: ValidationCounts
    median_to_validate: timedelta | None
    by_channel: dict[str, ValidationCounts] = field(default_factory=dict)

    @property
    def flagged(self) -> int:
        return self.total.flagged

    @property
    def confirmed(self) -> int:
        return self.total.confirmed

    @property
    def corrected(self) -> int:
        return self.total.corrected

    @property
    def waiting(self) -> int:
        return self.total.waiting


_FLAGGED = select(
    Case.contact_channel, Case.validation, Case.state, Case.first_contact_at, Case.validated_at
).where(Case.validation.is_not(None))


def figures(
    session: Session, *, start: datetime, end: datetime, now: datetime
) -> ValidationFigures:
    """Count the period's flagged cases; a period that ends before it starts is refused."""
    if end <= start:
        raise ValueError("the period must end after it starts")
    rows = session.execute(
        _FLAGGED.where(Case.first_contact_at >= start, Case.first_contact_at < end)
    ).all()
    tallies: dict[str, dict[str, int]] = {}
    waits: list[float] = []
    for channel, how, state, first_contact, validated_at in rows:
        for key in ("", channel):
            tally = tallies.setdefault(key, dict.fromkeys(_COUNTS, 0))
            tally["flagged"] += 1
            tally[_outcome(how, state)] += 1
        if validated_at is not None:
            waits.append((validated_at - first_contact).total_seconds())
    total = ValidationCounts(**tallies.pop("", {}))
    return ValidationFigures(
        start=start,
        end=end,
        now=now,
        total=total,
        median_to_validate=timedelta(seconds=round(median(waits))) if waits else None,
        by_channel={key: ValidationCounts(**tally) for key, tally in sorted(tallies.items())},
    )


_COUNTS = ("flagged", "confirmed", "corrected", "waiting", "closed_unvalidated")


def _outcome(how: Validation | None, state: CaseState) -> str:
    if how == Validation.CONFIRMED:
        return "confirmed"
    if how == Validation.CORRECTED:
        return "corrected"
    return "closed_unvalidated" if state == CaseState.CLOSED else "waiting"
