"""The outbox table's queries: add, claim the head of each lane, and settle the outcome.

Claiming is one conditional UPDATE, so two dispatchers (threads or processes) never deliver the
same item; a lease that runs out (a crashed dispatcher) makes the item claimable again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from store.models import OutboxItem, OutboxStatus, SlackMessage, UtcDateTime


def add_item(
    session: Session,
    *,
    now: datetime,
    lane: str,
    case_id: int | None,
    operation: str,
    target: str,
    template: str = "",
    params: dict[str, Any] | None = None,
    message_key: str | None = None,
) -> OutboxItem:
    item = OutboxItem(
        lane=lane,
        case_id=case_id,
        operation=operation,
        target=target,
        template=template,
        params=params or {},
        message_key=message_key,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(item)
    return item


# The first pending item of each lane: later items of a lane wait their turn.
_LANE_HEADS = (
    select(func.min(OutboxItem.id))
    .where(OutboxItem.status == OutboxStatus.PENDING)
    .group_by(OutboxItem.lane)
)
_NOW: BindParameter[datetime] = bindparam("now", type_=UtcDateTime)
# Built once: the statement's cache key is then computed once, not on every claim.
_DUE_HEADS = (
    select(OutboxItem.id)
    .where(
        OutboxItem.id.in_(_LANE_HEADS),
        OutboxItem.next_attempt_at <= _NOW,
        or_(OutboxItem.lease_until.is_(None), OutboxItem.lease_until < _NOW),
    )
    .order_by(OutboxItem.id)
    .limit(bindparam("limit"))
)
_NEXT_HEAD_DUE = select(func.min(OutboxItem.next_attempt_at)).where(OutboxItem.id.in_(_LANE_HEADS))


def due_heads(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Ids of due items that are first in their lane, oldest first."""
    return list(session.execute(_DUE_HEADS, {"now": now, "limit": limit}).scalars())


def claim(session: Session, item_id: int, *, now: datetime, lease: timedelta) -> bool:
    """Take the item for `lease`; False when another dispatcher got it first."""
    # SKIP LOCKED (PostgreSQL; SQLite's one writer needs none): an item another dispatcher is
    # claiming right now is passed over at once, not waited for while that one renders it.
    free = (
        select(OutboxItem.id)
        .where(
            OutboxItem.id == item_id,
            OutboxItem.status == OutboxStatus.PENDING,
            or_(OutboxItem.lease_until.is_(None), OutboxItem.lease_until < now),
        )
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    result = session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == free)
        .values(lease_until=now + lease, attempts=OutboxItem.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def newer_pending_with_key(session: Session, item: OutboxItem) -> bool:
    """A later pending item will render the same keyed message again, so this one may skip."""
    if item.message_key is None:
        return False
    return (
        session.execute(
            select(OutboxItem.id).where(
                OutboxItem.message_key == item.message_key,
                OutboxItem.status == OutboxStatus.PENDING,
                OutboxItem.id > item.id,
            )
        ).first()
        is not None
    )


def message_location(session: Session, key: str) -> SlackMessage | None:
    return session.get(SlackMessage, key)


def remember_message(session: Session, *, key: str, channel: str, ts: str, now: datetime) -> None:
    row = session.get(SlackMessage, key)
    if row is None:
        session.add(SlackMessage(key=key, channel=channel, ts=ts, updated_at=now))
    else:
        row.channel, row.ts, row.updated_at = channel, ts, now


def next_due(session: Session) -> datetime | None:
    """When the earliest lane head may next be tried (items behind a head wait for it)."""
    return session.execute(_NEXT_HEAD_DUE).scalar()
