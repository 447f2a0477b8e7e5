"""Every change on the timeline: who, when, what, why, with old and new values (States, 003)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, object_session

from store.models import Case, CaseEvent, CaseParty, CaseState, PartyRole

_NEW_EVENTS = "casedesk.new_events"


def record_event(
    case: Case,
    *,
    at: datetime,
    actor: str | None,
    kind: str,
    field: str | None = None,
    old: str | None = None,
    new: str | None = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> CaseEvent:
    event = CaseEvent(
        at=at,
        actor_id=actor,
        kind=kind,
        field=field,
        old_value=old,
        new_value=new,
        reason=reason,
        detail=detail or {},
    )
    session = object_session(case)
    if session is None:
        case.events.append(event)
    else:  # added beside the case, so appending does not load the whole timeline first
        event.case = case
        session.add(event)
        session.info.setdefault(_NEW_EVENTS, []).append(event)
    return event


def take_new_events(session: Session) -> list[CaseEvent]:
    """The events recorded in this session since the last call: what its changes were."""
    events: list[CaseEvent] = session.info.pop(_NEW_EVENTS, [])
    return events


def add_party(case: Case, *, user_id: str, role: PartyRole, at: datetime) -> bool:
    """Add an active party; False when the person already holds that role."""
    if user_id in case.active_parties(role):
        return False
    case.parties.append(CaseParty(user_id=user_id, role=role, since=at))
    return True


def change_coordinator(case: Case, *, new: str, at: datetime, actor: str, reason: str) -> str:
    """Hand ownership over with no gap; the old coordinator becomes an interested party."""
    old = case.coordinator_id
    if old == new:
        return old
    for party in case.parties:
        if party.role == PartyRole.COORDINATOR and party.until is None:
            party.until = at
    case.parties.append(CaseParty(user_id=new, role=PartyRole.COORDINATOR, since=at))
    add_party(case, user_id=old, role=PartyRole.INTERESTED, at=at)
    record_event(
        case,
        at=at,
        actor=actor,
        kind="coordinator",
        field="coordinator",
        old=old,
        new=new,
        reason=reason,
    )
    return old


def change_state(
    case: Case, *, new: CaseState | str, at: datetime, actor: str | None, reason: str
) -> None:
    """Move the case; the caller has checked the transition is allowed (bot.states)."""
    old = case.state
    case.state = CaseState(new)
    record_event(
        case, at=at, actor=actor, kind="state", field="state", old=old, new=new, reason=reason
    )
