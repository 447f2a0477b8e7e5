"""Case numbers: CASE-<n>, handed out under a row lock so concurrent intakes never share one.

The counter row is created if missing (ON CONFLICT DO NOTHING, so two first intakes cannot
both create it) and incremented inside the recording transaction; a rolled-back intake leaves a
gap (tolerated), and the unique constraint on cases.number is the last line of defence.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.models import Counter

CASE_COUNTER = "case_number"


def next_case_number(session: Session, *, start: int) -> int:
    """The next free number, never below `start` (desk.yml case_number_start)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(Counter).values(name=CASE_COUNTER, value=start - 1).on_conflict_do_nothing()
    )
    value = session.execute(
        update(Counter)
        .where(Counter.name == CASE_COUNTER)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one()
    if value < start:
        session.execute(update(Counter).where(Counter.name == CASE_COUNTER).values(value=start))
        return start
    return int(value)
