"""The alert notifications' queue: claim the head of each group's lane with one conditional
UPDATE and a lease, as the outbox does, so two workers (threads or processes) never both work
one notification, and one group's notifications are worked in the order they came."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from store.models import AlertNotification, NotificationStatus, UtcDateTime

_NOW: BindParameter[datetime] = bindparam("now", type_=UtcDateTime)
_LANE_HEADS = (
    select(func.min(AlertNotification.id))
    .where(AlertNotification.status == NotificationStatus.PENDING)
    .group_by(AlertNotification.lane)
)
_DUE_HEADS = (
    select(AlertNotification.id)
    .where(
        AlertNotification.id.in_(_LANE_HEADS),
        or_(AlertNotification.lease_until.is_(None), AlertNotification.lease_until < _NOW),
    )
    .order_by(AlertNotification.id)
    .limit(bindparam("limit"))
)


def due_heads(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Notifications first in their lane and not leased, oldest first."""
    return list(session.execute(_DUE_HEADS, {"now": now, "limit": limit}).scalars())


def claim_some(
    session: Session, item_ids: list[int], *, now: datetime, lease: timedelta
) -> list[int]:
    """Take those of `item_ids` no other worker holds, for `lease`, in one conditional UPDATE;
    the ids taken. Workers that read the same heads each get their own (none are worked twice)."""
    if not item_ids:
        return []
    free = (  # SKIP LOCKED: heads another worker is claiming this moment are passed over
        select(AlertNotification.id)
        .where(
            AlertNotification.id.in_(item_ids),
            AlertNotification.status == NotificationStatus.PENDING,
            or_(AlertNotification.lease_until.is_(None), AlertNotification.lease_until < now),
        )
        .with_for_update(skip_locked=True)
    )
    result = session.execute(
        update(AlertNotification)
        .where(AlertNotification.id.in_(free))
        .values(lease_until=now + lease, attempts=AlertNotification.attempts + 1)
        .returning(AlertNotification.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars())


def settle_claimed(session: Session, cases: dict[int, int | None], *, now: datetime) -> None:
    """Mark claimed notifications worked with nothing to write (repeats: id -> their case)."""
    if not cases:
        return
    session.execute(
        update(AlertNotification)
        .where(
            AlertNotification.id.in_(list(cases)),
            AlertNotification.status == NotificationStatus.PENDING,
        )
        .values(
            status=NotificationStatus.DONE,
            worked_at=now,
            lease_until=None,
            case_id=case(cases, value=AlertNotification.id),
        )
        .execution_options(synchronize_session=False)
    )
