"""Case numbers: CASE-<n>, never shared by two cases, never below desk.yml's case_number_start.

On PostgreSQL they come from the `case_numbers` sequence (migration 0017): `nextval` takes no
lock a transaction keeps, so intakes that commit at the same moment (an alert storm's new
groups) record side by side. On SQLite, which has one writer anyway, a counter row is created
if missing (ON CONFLICT DO NOTHING) and incremented inside the recording transaction. Either way
a rolled-back intake leaves a gap (tolerated), and the unique constraint on cases.number is the
last line of defence.
"""

from __future__ import annotations

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from store.models import Counter

CASE_COUNTER = "case_number"
SEQUENCE = "case_numbers"
# pg_advisory_xact_lock's key for moving the sequence up to case_number_start ("CASE").
_START_LOCK = 0x43415345
_NEXT = select(func.nextval(SEQUENCE))
_BELOW_START = text(f"SELECT last_value < :floor FROM {SEQUENCE}")
_SET_FLOOR = text(f"SELECT setval('{SEQUENCE}', :floor)")


def next_case_number(session: Session, *, start: int) -> int:
    """The next free number, never below `start` (desk.yml case_number_start)."""
    if session.get_bind().dialect.name == "postgresql":
        return _from_sequence(session, start=start)
    return _from_counter(session, start=start)


def _from_sequence(session: Session, *, start: int) -> int:
    value = int(session.execute(_NEXT).scalar_one())
    if value >= start:
        return value
    # A new desk's first numbers (or a raised case_number_start): move the sequence up, one
    # transaction at a time; the others that drew a low number wait here, then draw again.
    session.execute(select(func.pg_advisory_xact_lock(_START_LOCK)))
    if session.execute(_BELOW_START, {"floor": start - 1}).scalar_one():
        session.execute(_SET_FLOOR, {"floor": start - 1})
    return int(session.execute(_NEXT).scalar_one())


def _from_counter(session: Session, *, start: int) -> int:
    session.execute(
        sqlite.insert(Counter).values(name=CASE_COUNTER, value=start - 1).on_conflict_do_nothing()
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
