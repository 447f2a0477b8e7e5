"""ROUTE-3's warm handoff: the coordinator names the next one, who must accept.

Ownership never has a gap: until the next coordinator accepts, the current one stays. The offer
brings them into the case channel with the brief; an unanswered offer is reminded, then goes to
the group's supervisor. At most one offer is pending per case (a partial unique index guards
it), and the case row's version column lets exactly one of two simultaneous accepts win.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot import case_channel, command_center_test, permissions, timers
from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import CASE_CHANNEL, Notice
from bot.timeline import change_coordinator, record_event
from bot.timers import Firing, Handler
from config.policy import Policy
from store.models import Case, Handoff, HandoffState

NOTE_MAX = 1000


class HandoffRefused(UserFacingError):
    """The handoff cannot be offered, answered or cancelled as asked; the message says why."""


def offer(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    to_user: str,
    note: str,
    now: datetime,
    replacing: int | None = None,
) -> list[Notice]:
    """Offer the case to `to_user`; nothing changes hands until they accept."""
    if case.state == "closed":
        raise HandoffRefused(f"{case.ref} is closed; there is nothing left to hand over.")
    pending = pending_for(session, case)
    if replacing is not None and pending is not None and pending.id == replacing:
        _require_supervisor_or_coordinator(policy, case, pending, actor)
    else:
        permissions.require(actor, permissions.may_coordinate(policy, case), to="hand it over")
    if not to_user:
        raise HandoffRefused(
            f"Name the next coordinator: `/case handoff {case.ref} @person [note]`."
        )
    if to_user == case.coordinator_id:
        who = "You already coordinate" if to_user == actor else f"<@{to_user}> already coordinates"
        raise HandoffRefused(f"{who} {case.ref}; name the person who should take it over.")
    if not policy.is_staff(to_user):
        raise HandoffRefused(
            f"<@{to_user}> is not on the desk or in a resolver group, so they cannot coordinate "
            f"{case.ref}. Name a technician."
        )
    if pending is not None and pending.id != replacing:
        raise HandoffRefused(
            f"{case.ref} is already being handed to <@{pending.to_user}> (offered by "
            f"<@{pending.requested_by}>), who has not answered yet. Wait for their answer, or "
            f"cancel it first with `/case handoff cancel {case.ref}`."
        )
    replaced: list[Notice] = []
    if pending is not None:  # an escalated offer passed on: the first person is told
        _close(
            session, pending, state=HandoffState.CANCELLED, actor=actor, now=now, reason="handed on"
        )
        replaced = [
            *_answered(policy, case, pending, by=actor),
            n.post(pending.to_user, "handoff_closed", handoff=pending.id, by=actor),
        ]
        record_event(
            case,
            at=now,
            actor=actor,
            kind="handoff_cancelled",
            field="coordinator",
            new=pending.to_user,
            reason=f"handed to <@{to_user}> instead",
        )
    handoff = Handoff(
        case_id=case.id,
        from_user=case.coordinator_id,
        to_user=to_user,
        note=note.strip()[:NOTE_MAX],
        state=HandoffState.PENDING,
        requested_by=actor,
        requested_at=now,
    )
    session.add(handoff)
    session.flush()  # the unique index refuses a second pending offer made at the same moment
    record_event(
        case,
        at=now,
        actor=actor,
        kind="handoff_offered",
        field="coordinator",
        old=case.coordinator_id,
        new=to_user,
        reason=handoff.note or None,
        detail={"handoff": handoff.id},
    )
    timers.schedule(
        session,
        key=_timer_key(handoff),
        kind="handoff_reminder",
        due_at=now + policy.coordination.handoff_reminder_after,
        now=now,
        case=case,
        payload={"handoff": handoff.id},
    )
    case.updated_at = now
    return [
        *case_channel.join(session, case, [to_user]),
        n.post(CASE_CHANNEL, "handoff_offered", handoff=handoff.id, to=to_user, by=actor),
        _offer_message(handoff),
        *replaced,
    ]


def accept(
    session: Session, policy: Policy, case: Case, *, handoff_id: int, actor: str, now: datetime
) -> list[Notice]:
    """The next coordinator (or, after escalation, the supervisor) takes the case over."""
    handoff = _find(session, case, handoff_id)
    _require_open(handoff)
    _require_answerer(policy, case, handoff, actor)
    if case.state == "closed":
        raise HandoffRefused(f"{case.ref} was closed meanwhile; there is nothing to take over.")
    old = change_coordinator(
        case,
        new=actor,
        at=now,
        actor=actor,
        reason=f"accepted the handoff from <@{case.coordinator_id}>",
    )
    _close(session, handoff, state=HandoffState.ACCEPTED, actor=actor, now=now)
    record_event(
        case,
        at=now,
        actor=actor,
        kind="handoff_accepted",
        field="coordinator",
        old=old,
        new=actor,
        detail={"handoff": handoff.id},
    )
    case.updated_at = now
    notices = [
        *n.refresh_cards(policy, case),
        *_answered(policy, case, handoff, by=actor),
        n.post(CASE_CHANNEL, "handoff_accepted", handoff=handoff.id, old=old, new=actor),
        *[
            n.post(user, "handoff_accepted", handoff=handoff.id, old=old, new=actor)
            for user in dict.fromkeys((old, handoff.requested_by))
        ],
        n.post(case.requester_id, "requester_new_coordinator", coordinator=actor),
    ]
    if actor != handoff.to_user:  # the supervisor took it: the named person's offer is closed
        notices.append(n.post(handoff.to_user, "handoff_closed", handoff=handoff.id, by=actor))
        notices += case_channel.join(session, case, [actor])
    return notices + command_center_test.ask(session, policy, case, now=now, actor=actor)


def decline(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    handoff_id: int,
    actor: str,
    reason: str,
    now: datetime,
) -> list[Notice]:
    """The named person says no, with a reason; the case stays where it is."""
    handoff = _find(session, case, handoff_id)
    _require_open(handoff)
    _require_answerer(policy, case, handoff, actor)
    if not reason.strip():
        raise HandoffRefused("Say why you decline: the coordinator reads it.")
    _close(
        session, handoff, state=HandoffState.DECLINED, actor=actor, now=now, reason=reason.strip()
    )
    record_event(
        case,
        at=now,
        actor=actor,
        kind="handoff_declined",
        field="coordinator",
        new=handoff.to_user,
        reason=handoff.reason,
        detail={"handoff": handoff.id},
    )
    tell = dict.fromkeys((case.coordinator_id, handoff.requested_by))
    return [
        *_answered(policy, case, handoff, by=actor),
        *[
            n.post(user, "handoff_declined", handoff=handoff.id, by=actor, reason=handoff.reason)
            for user in tell
        ],
    ]


def cancel(
    session: Session, policy: Policy, case: Case, *, actor: str, now: datetime
) -> list[Notice]:
    """Withdraw the pending offer (its requester or anyone who may coordinate the case)."""
    handoff = pending_for(session, case)
    if handoff is None:
        raise HandoffRefused(f"{case.ref} has no handoff waiting for an answer.")
    if actor != handoff.requested_by:
        permissions.require(
            actor, permissions.may_coordinate(policy, case), to="cancel this handoff"
        )
    _close(session, handoff, state=HandoffState.CANCELLED, actor=actor, now=now, reason="cancelled")
    record_event(
        case,
        at=now,
        actor=actor,
        kind="handoff_cancelled",
        field="coordinator",
        new=handoff.to_user,
        detail={"handoff": handoff.id},
    )
    return [
        *_answered(policy, case, handoff, by=actor),
        n.post(handoff.to_user, "handoff_closed", handoff=handoff.id, by=actor),
    ]


def check_answerer(policy: Policy, case: Case, *, handoff_id: int, actor: str) -> None:
    """Before the decline form opens: the offer is still open and `actor` may answer it."""
    session = object_session(case)
    if session is None:
        raise HandoffRefused(f"{case.ref} could not be read; try again.")
    handoff = _find(session, case, handoff_id)
    _require_open(handoff)
    _require_answerer(policy, case, handoff, actor)


def pending_for(session: Session, case: Case) -> Handoff | None:
    session.flush()
    return session.execute(
        select(Handoff).where(Handoff.case_id == case.id, Handoff.state == "pending")
    ).scalar_one_or_none()


def supervisor_of(policy: Policy, case: Case) -> str:
    """Who an unanswered handoff goes to: the case group's supervisor, else the desk's."""
    group = policy.groups.get(case.group_key or "") or policy.groups[policy.service_desk_group]
    return group.supervisor


# -- timers -----------------------------------------------------------------------------------
def remind(f: Firing) -> list[Notice]:
    """Remind the named person once, then arm the escalation to the supervisor."""
    found = _still_pending(f)
    if found is None:
        return []
    case, handoff = found
    handoff.reminded_at = f.now
    record_event(
        case,
        at=f.now,
        actor=None,
        kind="handoff_reminded",
        new=handoff.to_user,
        detail={"handoff": handoff.id, "late": f.late},
    )
    timers.schedule(
        f.session,
        key=_timer_key(handoff),
        kind="handoff_escalation",
        due_at=max(handoff.requested_at + f.policy.coordination.handoff_escalate_after, f.now),
        now=f.now,
        case=case,
        payload={"handoff": handoff.id},
    )
    return [
        n.post(
            handoff.to_user,
            "handoff_offer",
            key=_message_key(handoff, "reminder"),
            handoff=handoff.id,
            reminder=True,
        )
    ]


def escalate(f: Firing) -> list[Notice]:
    """Nobody answered: the group's supervisor gets the brief and may take it or pass it on."""
    found = _still_pending(f)
    if found is None:
        return []
    case, handoff = found
    boss = supervisor_of(f.policy, case)
    handoff.escalated_at = f.now
    record_event(
        case,
        at=f.now,
        actor=None,
        kind="handoff_escalated",
        new=boss,
        detail={"handoff": handoff.id, "late": f.late},
    )
    return [
        n.post(
            boss,
            "handoff_offer",
            key=_message_key(handoff, "supervisor"),
            handoff=handoff.id,
            supervisor=True,
        )
    ]


HANDLERS: dict[str, Handler] = {
    "handoff_reminder": remind,
    "handoff_escalation": escalate,
}


# -- helpers ----------------------------------------------------------------------------------
def _offer_message(handoff: Handoff) -> Notice:
    """The offer in the named person's DM, with Accept and Decline."""
    return n.post(handoff.to_user, "handoff_offer", key=_message_key(handoff), handoff=handoff.id)


def _answered(policy: Policy, case: Case, handoff: Handoff, *, by: str) -> list[Notice]:
    """The offer, its reminder and the supervisor's copy, as far as it went, edited in place
    once answered: no buttons are left to press on a closed offer."""
    copies = [(handoff.to_user, "offer")]
    if handoff.reminded_at is not None:
        copies.append((handoff.to_user, "reminder"))
    if handoff.escalated_at is not None:
        copies.append((supervisor_of(policy, case), "supervisor"))
    return [
        n.post(
            user,
            "handoff_offer",
            key=_message_key(handoff, copy),
            handoff=handoff.id,
            reminder=copy == "reminder",
            supervisor=copy == "supervisor",
            by=by,
        )
        for user, copy in copies
    ]


def _message_key(handoff: Handoff, copy: str = "offer") -> str:
    """Each DM of one offer: "offer", "reminder" or "supervisor"."""
    return f"handoff:{handoff.id}:{copy}"


def _find(session: Session, case: Case, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.case_id != case.id:
        raise HandoffRefused(f"That handoff of {case.ref} no longer exists.")
    return handoff


def _require_open(handoff: Handoff) -> None:
    if handoff.state == "pending":
        return
    by = f" by <@{handoff.answered_by}>" if handoff.answered_by else ""
    words = {"accepted": "already accepted", "declined": "already declined"}
    raise HandoffRefused(
        f"This handoff was {words.get(handoff.state, 'cancelled')}{by}; nothing more to do."
    )


def _require_answerer(policy: Policy, case: Case, handoff: Handoff, actor: str) -> None:
    if actor == handoff.to_user:
        return
    boss = supervisor_of(policy, case)
    if handoff.escalated_at is not None and actor == boss:
        return
    extra = (
        f", or its supervisor <@{boss}> now that it is escalated" if handoff.escalated_at else ""
    )
    raise HandoffRefused(
        f"This handoff of {case.ref} is offered to <@{handoff.to_user}>{extra}; only they can "
        "answer it."
    )


def _require_supervisor_or_coordinator(
    policy: Policy, case: Case, handoff: Handoff, actor: str
) -> None:
    """Passing an escalated offer on: the supervisor it went to, or whoever may coordinate."""
    if handoff.escalated_at is not None and actor == supervisor_of(policy, case):
        return
    permissions.require(actor, permissions.may_coordinate(policy, case), to="hand it over")


def _still_pending(f: Firing) -> tuple[Case, Handoff] | None:
    case = f.case
    handoff = f.session.get(Handoff, int(f.timer.payload.get("handoff", 0)))
    if case is None or handoff is None or handoff.state != "pending" or case.state == "closed":
        return None
    return case, handoff


def _close(
    session: Session,
    handoff: Handoff,
    *,
    state: HandoffState,
    actor: str,
    now: datetime,
    reason: str = "",
) -> None:
    handoff.state, handoff.answered_by, handoff.answered_at = state, actor, now
    if reason:
        handoff.reason = reason
    timers.cancel(session, _timer_key(handoff), now=now)


def _timer_key(handoff: Handoff) -> str:
    return f"handoff:{handoff.id}"
