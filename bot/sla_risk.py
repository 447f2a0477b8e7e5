"""SLA-2's "at risk" and "breached" as SQL predicates over clock rows, so the App Home, `/case
list` and the desk lead's view count the same clocks the same way.

At risk: an unmet clock that is breached, past the warning share of its target (`warn_at`), or
due within `at_risk_within` (config/sla.yml). Breached: an unmet clock past its target.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_

from store.models import Case, SlaClock


def clock_at_risk(*, now: datetime, within: timedelta) -> ColumnElement[bool]:
    """An unmet clock that needs its case's people now (breached ones included)."""
    return and_(
        SlaClock.met_at.is_(None),
        or_(
            SlaClock.breached_at.is_not(None),
            and_(
                SlaClock.due_at.is_not(None),
                or_(SlaClock.warn_at <= now, SlaClock.due_at <= now + within),
            ),
        ),
    )


def clock_breached() -> ColumnElement[bool]:
    """An unmet clock past its target."""
    return and_(SlaClock.met_at.is_(None), SlaClock.breached_at.is_not(None))


def case_has(clock_condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """The case has a clock that meets the condition."""
    return exists().where(SlaClock.case_id == Case.id, clock_condition)
