"""Waiting on the requester: the case is on hold for something only the customer can give,
and its SLA clocks pause (SLA-1) until the wait ends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from bot import estimates, permissions, sla
from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import Notice
from bot.timeline import record_event
from config.policy import Policy
from store.models import Case

REQUESTER = "requester"


def is_waiting() -> ColumnElement[bool]:
    """The cases on hold for the requester, as SQL (`/case list waiting`)."""
    return Case.waiting_on == REQUESTER


def wait_on_requester(
    session: Session, policy: Policy, case: Case, *, actor: str, reason: str, now: datetime
) -> list[Notice]:
    permissions.require(actor, [permissions.staff(policy)], to=f"put {case.ref} on hold")
    if case.state == "closed":
        raise UserFacingError(f"{case.ref} is closed.")
    if case.waiting_on == REQUESTER:
        raise UserFacingError(f"{case.ref} is already waiting on the requester.")
    if not reason.strip():
        raise UserFacingError(
            "Say what the requester must give: `/case wait CASE-1042 <what "
            "we need from them>`. They will read it."
        )
    case.waiting_on = REQUESTER
    record_event(
        case,
        at=now,
        actor=actor,
        kind="waiting",
        field="waiting_on",
        new="requester",
        reason=reason.strip(),
    )
    sla.refresh(session, policy, case, now=now)
    estimates.note_contact(case, now=now)
    case.updated_at = now
    return [
        n.post(case.requester_id, "requester_waiting", reason=reason.strip()),
        *n.refresh_cards(policy, case),
    ]


def resume(
    session: Session, policy: Policy, case: Case, *, actor: str, now: datetime
) -> list[Notice]:
    permissions.require(actor, [permissions.staff(policy)], to=f"take {case.ref} off hold")
    if case.waiting_on != REQUESTER:
        raise UserFacingError(f"{case.ref} is not waiting on the requester.")
    return end_wait(session, policy, case, actor=actor, now=now, reason="the wait is over")


def end_wait(
    session: Session, policy: Policy, case: Case, *, actor: str, now: datetime, reason: str
) -> list[Notice]:
    """The clocks run again: by a technician's resume, or because the requester answered."""
    case.waiting_on = None
    record_event(
        case,
        at=now,
        actor=actor,
        kind="waiting",
        field="waiting_on",
        old="requester",
        reason=reason,
    )
    sla.refresh(session, policy, case, now=now)
    case.updated_at = now
    return n.refresh_cards(policy, case)
