"""BCAST-3: a notice, update or resolution the broadcast channel gets is frozen once as a public
notice (the status.json incident as it is at that moment, and the announcement's own entry), and
written to the outbox once per subscriber of the case's service, each in the subscriber's own
lane, in the transaction that made the change. Lanes keep each subscriber's notices in order."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.status.incidents import incident_document
from config.policy import Policy
from store.models import Case, CaseEvent, PublicNotice, Subscriber, SubscriberState
from store.outbox import add_item

log = logging.getLogger(__name__)
NOTICE_OPERATION = "subscriber_notice"
CONFIRM_OPERATION = "subscriber_confirm"
# The announcement each public notice stands for: its timeline kind (bot/status/incidents.py).
EVENT_KIND = {"notice": "major", "update": "status_update", "resolution": "closed"}


def lane(subscriber_id: int) -> str:
    return f"subscriber:{subscriber_id}"


def follows(subscriber: Subscriber, service_key: str) -> bool:
    """No services listed: every service."""
    return not subscriber.services or service_key in subscriber.services


def fan_out(
    session: Session,
    policy: Policy,
    case: Case,
    kind: str,
    *,
    now: datetime,
    event_id: int | None = None,
) -> PublicNotice | None:
    """Queue `kind` ("notice", "update", "resolution") of `case` to every active subscriber of
    its service; None when nobody follows it (nothing to freeze)."""
    subscribers = [
        s
        for s in session.scalars(
            select(Subscriber)
            .where(Subscriber.state == SubscriberState.ACTIVE)
            .order_by(Subscriber.id)
        )
        if follows(s, case.service_key)
    ]
    if not subscribers:
        return None
    event = _announcement(session, case, kind, event_id)
    incident = incident_document(session, policy, case)
    entry = next((u for u in incident["updates"] if u["id"].endswith(f"/{event.id}")), None)
    if entry is None:  # an announcement with no public words: nothing to tell anyone
        log.warning("%s: announcement %s has no public entry; not sent", case.ref, event.id)
        return None
    notice = PublicNotice(
        key=entry["id"],
        case_id=case.id,
        kind=kind,
        text=entry["text"],
        incident=incident,
        created_at=now,
    )
    session.add(notice)
    session.flush()
    for subscriber in subscribers:
        add_item(
            session,
            now=now,
            lane=lane(subscriber.id),
            case_id=None,
            operation=NOTICE_OPERATION,
            target=f"subscriber:{subscriber.id}",
            params={"notice": notice.id},
        )
    return notice


def _announcement(session: Session, case: Case, kind: str, event_id: int | None) -> CaseEvent:
    """The timeline row the broadcast announced: the update named, or the latest of its kind."""
    if event_id is not None:
        return session.get_one(CaseEvent, event_id)
    session.flush()
    return session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == EVENT_KIND[kind])
        .order_by(CaseEvent.id.desc())
        .limit(1)
    ).one()
