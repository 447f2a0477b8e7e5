"""Status updates (SLA-3, BCAST-1): a major incident's coordinator is reminded at the priority's
cadence until the case closes, and posting an update resets that clock, meets the first
response, restarts the next-update clock and reaches everyone who follows the case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import estimates, permissions, sla
from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import CASE_CHANNEL, Notice
from bot.timeline import record_event
from bot.timers import cancel, schedule
from config.policy import Policy
from store.models import Case, PartyRole

UPDATE_MAX = 2000


def key(case: Case) -> str:
    return f"status:{case.id}"


def schedule_reminder(
    session: Session, policy: Policy, case: Case, *, now: datetime, fresh: bool = False
) -> None:
    """The next "status update due" reminder, when the case is major and open. `fresh`: the
    case was recorded in this transaction, so it has no reminder to move or cancel yet."""
    cadence = policy.status_update_every.get(case.priority)
    if not case.is_major or cadence is None or case.state == "closed":
        if not fresh:
            cancel(session, key(case), now=now)
        return
    schedule(
        session,
        key=key(case),
        kind="status_update",
        due_at=now + cadence,
        now=now,
        case=case,
        fresh=fresh,
    )


def post_update(
    session: Session, policy: Policy, case: Case, *, actor: str, text: str, now: datetime
) -> list[Notice]:
    """Record an update and send it to the case channel, the broadcast channel (major cases),
    the interested parties and the requester."""
    permissions.require(actor, [permissions.staff(policy)], to=f"post updates on {case.ref}")
    text = text.strip()
    if not text:
        raise UserFacingError(
            "Write the update: `/case update CASE-1042 <what changed and what happens next>`."
        )
    if len(text) > UPDATE_MAX:
        raise UserFacingError(f"The update is {len(text)} characters; keep it to {UPDATE_MAX}.")
    if case.state == "closed":
        raise UserFacingError(f"{case.ref} is closed; it takes no more updates.")
    event = record_event(case, at=now, actor=actor, kind="status_update", new=text)
    session.flush()
    sla.meet(session, policy, case, "first_response", now=now)
    sla.meet(session, policy, case, "next_update", now=now)
    schedule_reminder(session, policy, case, now=now)
    estimates.note_contact(case, now=now)
    case.updated_at = now
    notices: list[Notice] = []
    if case.channel_id or case.is_major:
        notices.append(n.post(CASE_CHANNEL, "status_update", event=event.id))
    if case.is_major:
        notices.append(n.announce(policy, "status_update", "update", event=event.id))
    followers = set(case.active_parties(PartyRole.INTERESTED)) - {actor, case.requester_id}
    notices += [n.post(user, "status_update", event=event.id) for user in sorted(followers)]
    notices.append(n.post(case.requester_id, "requester_update", event=event.id))
    return [*notices, *n.refresh_cards(policy, case)]
