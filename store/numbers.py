"""Case numbers: CASE-<n>, handed out under a row lock so concurrent intakes never share one.

The counter row is incremented inside the recording transaction; a rolled-back intake leaves a
gap (tolerated), and the unique constraint on cases.number is the last line of defence.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from store.models import Counter

CASE_COUNTER = "case_number"


def next_case_number(session: Session, *, start: int) -> int:
    """The next free number, never below `start` (desk.yml case_number_start)."""
    result = session.execute(
        update(Counter)
        .where(Counter.name == CASE_COUNTER)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one_or_none()
    if result is None:
        session.add(Counter(name=CASE_COUNTER, value=start))
        session.flush()
        return start
    if result < start:
        session.execute(update(Counter).where(Counter.name == CASE_COUNTER).values(value=start))
        return start
    return int(result)

