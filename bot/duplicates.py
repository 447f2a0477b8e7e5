"""CLOSE-4's "duplicate": the case a duplicate closes into. It must exist, be another case and
not be a duplicate itself, so duplicates never chain or loop; the original learns of it and the
duplicate's requester follows the original from then on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import notices as n
from bot.errors import UserFacingError
from bot.timeline import add_party, record_event
from config.policy import Policy
from store.models import Case, PartyRole

DUPLICATE = "duplicate"
LARGEST_NUMBER = 2**31 - 1


class DuplicateRefused(UserFacingError):
    """The case named as the original cannot be one; the message says why and what to give."""


def original_of(session: Session, case: Case, number: int | None) -> Case:
    """The original named for `case`, checked."""
    if number is None:
        raise DuplicateRefused("Give the case this one duplicates, e.g. CASE-1042.")
    found = (
        session.execute(select(Case).where(Case.number == number)).scalar_one_or_none()
        if 0 < number <= LARGEST_NUMBER
        else None
    )
    if found is None:
        raise DuplicateRefused(
            f"There is no CASE-{number}. Give the number of the case this one duplicates."
        )
    if found.id == case.id:
        raise DuplicateRefused(f"{case.ref} cannot duplicate itself; give the other case.")
    if found.closure_code == DUPLICATE and found.closure:
        root = found.closure.duplicate_of
        raise DuplicateRefused(
            f"{found.ref} is itself closed as a duplicate of CASE-{root}; give CASE-{root}."
        )
    return found


def link(
    session: Session, policy: Policy, case: Case, original: Case, *, actor: str, now: datetime
) -> None:
    """On the original: a timeline row, its coordinator told, its cards refreshed, and the
    duplicate's requester added as an interested party while it is open. Written in the
    original's own outbox lane, in the closing transaction."""
    record_event(original, at=now, actor=actor, kind="duplicate_linked", new=case.ref)
    if original.state != "closed" and case.requester_id != original.requester_id:
        add_party(original, user_id=case.requester_id, role=PartyRole.INTERESTED, at=now)
    original.updated_at = now
    n.enqueue(
        session,
        now=now,
        case=original,
        notices=[
            n.post(original.coordinator_id, "duplicate_closed", duplicate=case.number),
            *n.refresh_cards(policy, original),
        ],
    )
