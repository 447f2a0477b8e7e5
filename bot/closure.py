"""The end of a case's life: the resolver's attempt (CLOSE-1), verification with the customer
(CLOSE-2), the close with its mandatory record (CLOSE-4), what follows it (CLOSE-5) and the
first-contact-resolution figure (CLOSE-6).

A fix is only a proposal until the requester confirms it: the coordinator asks, the requester
answers Yes or No, and No reopens the case to its resolver with the requester's own words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot import duplicates, estimates, major, permissions, problems, requests, sla, surveys, timers
from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import CASE_CHANNEL, Notice
from bot.states import check_transition
from bot.timeline import change_state, record_event
from bot.timers import Firing
from config.policy import ClosureCode, Policy
from store.models import Case, Closure, PartyRole, Resolution

FIX_KINDS = {"fix": "Permanent fix", "workaround": "Workaround"}
KB_USE = {
    "applied": "A knowledge-base article was applied",
    "reviewed": "Articles reviewed, none applied",
    "none": "No article was relevant",
}
RESTORED = {"restored": "Service fully restored", "follow_up": "Follow-up needed"}
TEXT_MAX = 3000
NO_RESPONSE = "no_response"
WITHDRAWN = "withdrawn"
DUPLICATE = duplicates.DUPLICATE
# Closes that need no resolution record: the code alone (and, for a duplicate, its original).
SHORT_CODES = frozenset({WITHDRAWN, DUPLICATE})


class ClosureRefused(UserFacingError):
    """The step is not allowed now or the record is incomplete; the message says what to do."""


@dataclass(frozen=True, kw_only=True)
class Attempt:
    """What the resolver did (CLOSE-1)."""

    done: str
    fix: str
    articles: tuple[str, ...] = ()
    made_worse: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ClosureRecord:
    """The close form's answers (CLOSE-4): every one of them is mandatory."""

    code: str
    root_cause: str
    fix: str
    kb: str
    restored: str
    follow_up: str = ""
    duplicate_of: int | None = None  # the original case, for the code "duplicate"
    reason: str = ""  # why it was withdrawn, in the requester's words


def verify_key(case: Case) -> str:
    return f"verify:{case.id}"


def archive_key(case: Case) -> str:
    return f"archive:{case.id}"


# -- CLOSE-1: the attempt ---------------------------------------------------------------------
def propose(
    session: Session, policy: Policy, case: Case, *, actor: str, attempt: Attempt, now: datetime
) -> list[Notice]:
    """The resolver proposes a solution; the coordinator is alerted at once to verify it."""
    permissions.require(
        actor, permissions.may_resolve(policy, case), to=f"propose a resolution for {case.ref}"
    )
    if case.state == "pending" and actor != case.coordinator_id:
        raise ClosureRefused(f"{case.ref} is still in the queue: take it before resolving it.")
    blocked = requests.ready_to_resolve(policy, case)  # WORK-5: the procedure comes first
    if blocked:
        raise ClosureRefused(blocked)
    if case.state == "reopened":
        change_state(case, new="in_progress", at=now, actor=actor, reason="work resumed")
    check_transition(case.state, "waiting_on_coordinator")
    done = attempt.done.strip()
    if not done:
        raise ClosureRefused("Say what was done: it is what the requester will be asked about.")
    if len(done) > TEXT_MAX:
        raise ClosureRefused(f"What was done is {len(done):,} characters; keep it to {TEXT_MAX:,}.")
    if attempt.fix not in FIX_KINDS:
        raise ClosureRefused("Say whether it is a permanent fix or a workaround.")
    case.resolution = Resolution(
        done=done,
        fix=attempt.fix,
        articles=attempt.articles,
        made_worse=attempt.made_worse,
        by=actor,
        at=now,
    )
    case.resolved_by = actor
    requests.on_resolution(session, case, actor=actor, now=now)
    change_state(
        case, new="waiting_on_coordinator", at=now, actor=actor, reason="resolution proposed"
    )
    record_event(
        case,
        at=now,
        actor=actor,
        kind="resolution_proposed",
        new=FIX_KINDS[attempt.fix],
        reason=done,
        detail={"articles": list(attempt.articles), "made_worse": list(attempt.made_worse)},
    )
    case.updated_at = now
    notices = [n.post(case.coordinator_id, "resolution_proposed", by=actor)]
    if case.channel_id:
        notices.append(n.post(CASE_CHANNEL, "resolution_proposed", by=actor))
    return [*notices, *n.refresh_cards(policy, case)]


# -- CLOSE-2: verification with the customer --------------------------------------------------
def ask_requester(
    session: Session, policy: Policy, case: Case, *, actor: str, now: datetime
) -> list[Notice]:
    """ "Is it working now?" goes to the requester, in the desk's voice."""
    permissions.require(
        actor, permissions.may_speak_for_desk(policy, case), to=f"ask about {case.ref}"
    )
    if case.state != "waiting_on_coordinator":
        raise ClosureRefused(
            f"{case.ref} has no proposed resolution to verify (it is "
            f"{case.state.replace('_', ' ')}). The resolver proposes one first: `/case resolve`."
        )
    change_state(case, new="resolved", at=now, actor=actor, reason="asked the requester to confirm")
    record_event(case, at=now, actor=actor, kind="verification_asked", new=case.requester_id)
    estimates.note_contact(case, now=now)  # WORK-1: asking the requester keeps a contact promise
    timers.schedule(
        session,
        key=verify_key(case),
        kind="verify_reminder",
        due_at=now + policy.closure.verify_reminder_after,
        now=now,
        case=case,
        payload={"asked": now.isoformat()},
    )
    sla.refresh(session, policy, case, now=now)
    case.updated_at = now
    return [
        n.post(case.requester_id, "verify_request", key=verify_key(case)),
        *n.refresh_cards(policy, case),
    ]


def answer(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    working: bool,
    words: str,
    now: datetime,
) -> list[Notice]:
    """The requester's Yes confirms the fix; No reopens it to the resolver with their words."""
    if actor != case.requester_id:
        raise ClosureRefused(f"Only the requester of {case.ref} can confirm whether it works.")
    if case.state != "resolved" or case.verified_at is not None:
        raise ClosureRefused(f"{case.ref} is not waiting for your answer any more; thank you.")
    timers.cancel(session, verify_key(case), now=now)
    case.updated_at = now
    asked = n.post(case.requester_id, "verify_request", key=verify_key(case))  # buttons go
    if working:
        case.verified_at = now
        record_event(case, at=now, actor=actor, kind="verified", new="yes")
        return [asked, n.post(case.coordinator_id, "verified"), *n.refresh_cards(policy, case)]
    words = words.strip()
    if not words:
        raise ClosureRefused("Tell us what still does not work, so the technician can go on.")
    case.reopen_count += 1
    change_state(case, new="reopened", at=now, actor=actor, reason=words[:TEXT_MAX])
    change_state(case, new="in_progress", at=now, actor=None, reason="back to the resolver")
    record_event(
        case, at=now, actor=actor, kind="reopened", new=str(case.reopen_count), reason=words
    )
    sla.refresh(session, policy, case, now=now)
    resolver = case.resolved_by or case.coordinator_id
    told = dict.fromkeys([resolver, case.coordinator_id])
    notices = [n.post(user, "reopened", words=words[:TEXT_MAX]) for user in told]
    if case.channel_id:
        notices.append(n.post(CASE_CHANNEL, "reopened", words=words[:TEXT_MAX]))
    notices.append(n.post(case.requester_id, "requester_reopened"))
    return [asked, *notices, *n.refresh_cards(policy, case)]


# -- CLOSE-4..6: the close --------------------------------------------------------------------
def close(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    record: ClosureRecord,
    now: datetime,
) -> list[Notice]:
    """Close with the mandatory record; requester, followers and channels are told. Where
    CLOSE-3 asks for a manager's approval, the record waits for it instead."""
    may_close(policy, case, actor)
    code = _check_record(policy, case, record, now=now)
    original = _original(session, case, record)
    check_transition(case.state, "closed")
    if policy.closure.needs_approval(priority=case.priority, service_key=case.service_key):
        return _request_approval(policy, case, actor=actor, record=record, now=now)
    notices = _finish(session, policy, case, actor=actor, record=record, code=code, now=now)
    if original is not None:
        duplicates.link(session, policy, case, original, actor=actor, now=now)
    return notices


def withdraw(
    session: Session, policy: Policy, case: Case, *, actor: str, reason: str, now: datetime
) -> list[Notice]:
    """The requester no longer needs help: closed as "withdrawn" at once (no approval, no
    survey), the coordinator told. Staff may do it for them when they call to say so."""
    permissions.require(actor, permissions.may_withdraw(policy, case), to=f"withdraw {case.ref}")
    if case.state == "closed":
        code = policy.closure_code(case.closure_code or "")
        label = code.label if code else case.closure_code
        raise ClosureRefused(
            f"{case.ref} is already closed ({label}); there is nothing to withdraw."
        )
    if case.is_major or major.children(session, case):
        raise ClosureRefused(
            f"{case.ref} is an incident that affects other people too, so it stays open. "
            "Reply to the desk's message to tell them it no longer affects you."
        )
    code = policy.closure_code(WITHDRAWN)
    if code is None:
        raise ClosureRefused(
            f'This desk has no closure code "{WITHDRAWN}"; ask the desk to close {case.ref}.'
        )
    reason = reason.strip()
    if len(reason) > TEXT_MAX:
        raise ClosureRefused(f"The reason is {len(reason):,} characters; keep it to {TEXT_MAX:,}.")
    record = ClosureRecord(code=WITHDRAWN, root_cause="", fix="", kb="", restored="", reason=reason)
    check_transition(case.state, "closed")
    notices = _finish(session, policy, case, actor=actor, record=record, code=code, now=now)
    if case.coordinator_id != actor:
        notices.insert(0, n.post(case.coordinator_id, "case_withdrawn", by=actor, reason=reason))
    return notices


def approve(
    session: Session, policy: Policy, case: Case, *, actor: str, now: datetime
) -> list[Notice]:
    """CLOSE-3: a manager approves the waiting close; it then happens as it was asked."""
    pending = _awaiting(policy, case, actor, verb="approve")
    record = ClosureRecord(**{f.name: getattr(pending, f.name) for f in fields(ClosureRecord)})
    code = policy.closure_code(record.code)
    if code is None:  # the codes changed since it was asked
        raise ClosureRefused(f"{record.code!r} is no longer a closure code; reject and re-close.")
    original = _original(session, case, record)
    record_event(case, at=now, actor=actor, kind="closure_approved", new=record.code)
    notices = _finish(session, policy, case, actor=pending.by, record=record, code=code, now=now)
    if original is not None:
        duplicates.link(session, policy, case, original, actor=pending.by, now=now)
    return notices


def reject(
    session: Session, policy: Policy, case: Case, *, actor: str, reason: str, now: datetime
) -> list[Notice]:
    """CLOSE-3: a manager sends the close back, with the reason, to the coordinator."""
    pending = _awaiting(policy, case, actor, verb="reject")
    reason = reason.strip()
    if not reason:
        raise ClosureRefused("Give the reason for rejecting: the coordinator needs it to act.")
    case.closure = None
    record_event(
        case, at=now, actor=actor, kind="closure_rejected", old=pending.code, reason=reason
    )
    case.updated_at = now
    told = dict.fromkeys([case.coordinator_id, pending.by])
    return [
        *(n.post(user, "closure_rejected", by=actor, reason=reason) for user in told),
        *n.refresh_cards(policy, case),
    ]


def _request_approval(
    policy: Policy, case: Case, *, actor: str, record: ClosureRecord, now: datetime
) -> list[Notice]:
    if awaiting_approval(case):
        raise ClosureRefused(f"{case.ref} already waits for a manager's approval to close.")
    case.closure = Closure(**asdict(record), by=actor, awaiting_approval=True)
    record_event(case, at=now, actor=actor, kind="closure_requested", new=record.code)
    case.updated_at = now
    managers = policy.holders("managers")
    return [
        *(n.post(m, "approval_request", by=actor) for m in managers if m != actor),
        *n.refresh_cards(policy, case),
    ]


def awaiting_approval(case: Case) -> bool:
    return case.closure is not None and case.closure.awaiting_approval


def _awaiting(policy: Policy, case: Case, actor: str, *, verb: str) -> Closure:
    permissions.require(
        actor, [permissions.role(policy, "managers")], to=f"{verb} the close of {case.ref}"
    )
    if case.state == "closed":
        raise ClosureRefused(f"{case.ref} is already closed.")
    if not awaiting_approval(case) or case.closure is None:
        raise ClosureRefused(f"{case.ref} has no close waiting for approval.")
    if actor in (case.closure.by, case.resolved_by):
        others = [m for m in policy.holders("managers") if m not in (actor, case.resolved_by)]
        who = ", ".join(f"<@{m}>" for m in others) or "another manager"
        raise ClosureRefused(
            f"You cannot {verb} your own resolution or close of {case.ref}; ask {who}."
        )
    return case.closure


def _finish(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    record: ClosureRecord,
    code: ClosureCode,
    now: datetime,
) -> list[Notice]:
    timers.cancel(session, verify_key(case), now=now)
    if code.resolved:
        sla.meet(session, policy, case, "resolution", now=now)
    case.closure = Closure(**asdict(record), by=actor)
    case.closure_code, case.closed_at = record.code, now
    case.first_contact_resolution = code.resolved and first_contact_resolution(policy, case)
    change_state(case, new="closed", at=now, actor=actor, reason=code.label)
    record_event(
        case,
        at=now,
        actor=actor,
        kind="closed",
        field="closure_code",
        new=record.code,
        reason=_why(record),
        detail={**asdict(record), "first_contact_resolution": case.first_contact_resolution},
    )
    sla.refresh(session, policy, case, now=now)
    case.updated_at = now
    notices = [n.post(case.requester_id, "requester_closed")]
    if was_major(case):  # BCAST-1: the resolution as a message of its own, not only an edit
        notices.append(n.announce(policy, "broadcast_resolution", "resolution"))
    major.close_children(session, policy, case, actor=actor, now=now)  # WORK-6
    if problems.opens_for(policy, case, code):  # CLOSE-5: the problem case
        notices += problems.open_for(session, policy, case, now=now)
    if code.resolved and record.kb != "applied":  # CLOSE-5: the fix becomes knowledge
        notices.append(n.post(actor, "write_article_prompt"))
    if code.survey:  # QUAL-1: never after a close that did not help (withdrawn, no response...)
        notices += surveys.send_on_close(session, policy, case, closed_by=actor, now=now)
    linked = {child.requester_id for child in major.children(session, case)}  # told apart
    followers = set(case.active_parties(PartyRole.INTERESTED)) - {actor, case.requester_id, *linked}
    notices += [n.post(user, "case_closed", by=actor) for user in sorted(followers)]
    if case.channel_id:
        timers.schedule(
            session,
            key=archive_key(case),
            kind="archive_channel",
            due_at=now + policy.closure.channel_archive_after,
            now=now,
            case=case,
        )
        notices.append(n.post(CASE_CHANNEL, "case_closed", by=actor, archive=True))
    return [*notices, *n.refresh_cards(policy, case)]


def _original(session: Session, case: Case, record: ClosureRecord) -> Case | None:
    if record.code != DUPLICATE:
        return None
    return duplicates.original_of(session, case, record.duplicate_of)


def _why(record: ClosureRecord) -> str:
    """The close's one-line reason on the timeline."""
    if record.code == WITHDRAWN:
        return record.reason or "withdrawn by the requester"
    if record.code == DUPLICATE:
        return f"duplicate of CASE-{record.duplicate_of}"
    return f"{record.root_cause}; {FIX_KINDS[record.fix]}; {RESTORED[record.restored]}"


def was_major(case: Case) -> bool:
    """Major now, or announced as major at some point: the broadcast channel heard of it."""
    return case.is_major or any(e.kind == "major" for e in case.events)


def first_contact_resolution(policy: Policy, case: Case) -> bool:
    """CLOSE-6, from the record: resolved by the service desk (tier 1) without escalation,
    transfer, handoff or reopen, and never routed away from the desk's first contact."""
    resolver = case.resolved_by or ""
    return (
        policy.has_role(resolver, "service_desk")
        and case.reassignments == 0
        and case.reopen_count == 0
        and not any(e.kind == "handoff_accepted" for e in case.events)
    )


def may_close(policy: Policy, case: Case, actor: str) -> None:
    what = f"close {case.ref}, a major incident" if case.is_major else f"close {case.ref}"
    permissions.require(actor, permissions.may_close(policy, case), to=what)


def _check_record(
    policy: Policy, case: Case, record: ClosureRecord, *, now: datetime
) -> ClosureCode:
    if case.state == "closed":
        raise ClosureRefused(f"{case.ref} is already closed.")
    code = policy.closure_code(record.code)
    if code is None:
        raise ClosureRefused(
            f"{record.code!r} is not a closure code. Codes: "
            f"{', '.join(c.code for c in policy.closure_codes)}."
        )
    if record.code in SHORT_CODES:  # the code alone (a duplicate's original: `_original`)
        return code
    missing = [
        label
        for label, value, allowed in (
            ("root-cause category", record.root_cause, policy.closure.root_causes),
            ("fix or workaround", record.fix, tuple(FIX_KINDS)),
            ("knowledge base applied", record.kb, tuple(KB_USE)),
            ("service restored or follow-up", record.restored, tuple(RESTORED)),
        )
        if value not in allowed
    ]
    if missing:
        raise ClosureRefused(f"Every field of the close is required: choose {', '.join(missing)}.")
    if record.restored == "follow_up" and not record.follow_up.strip():
        raise ClosureRefused("Follow-up needed: give the RFC or follow-up record (e.g. RFC-2231).")
    if code.resolved and case.verified_at is None:
        raise ClosureRefused(
            f"<@{case.requester_id}> has not confirmed that it works. Ask them first (Verify "
            f"with the requester, or `/case verify {case.ref}`); if they do not answer within "
            f'{_hours(policy.closure.verify_give_up_after)}, close with the code "no response".'
        )
    if record.code == NO_RESPONSE:
        asked = next((e.at for e in reversed(case.events) if e.kind == "verification_asked"), None)
        if asked is None or now - asked < policy.closure.verify_give_up_after:
            raise ClosureRefused(
                '"No response" needs the requester to have been asked and to have stayed silent '
                f"for {_hours(policy.closure.verify_give_up_after)}."
            )
    return code


def _hours(wait: timedelta) -> str:
    seconds = int(wait.total_seconds())
    return f"{seconds // 3600} h" if seconds % 3600 == 0 else f"{seconds // 60} min"


# -- timers -----------------------------------------------------------------------------------
def verify_reminder(f: Firing) -> list[Notice]:
    """The requester has not answered: remind them once, then tell the coordinator they may
    close with "no response" when the give-up time has passed."""
    case = f.case
    if case is None or case.state != "resolved" or case.verified_at is not None:
        return []
    asked = datetime.fromisoformat(str(f.timer.payload.get("asked")))
    if f.now - asked >= f.policy.closure.verify_give_up_after:
        record_event(case, at=f.now, actor=None, kind="verification_unanswered")
        return [n.post(case.coordinator_id, "verify_unanswered")]
    record_event(case, at=f.now, actor=None, kind="verification_reminded")
    timers.schedule(
        f.session,
        key=verify_key(case),
        kind="verify_reminder",
        due_at=asked + f.policy.closure.verify_give_up_after,
        now=f.now,
        case=case,
        payload=f.timer.payload,
    )
    return [n.post(case.requester_id, "verify_request", reminder=True)]


def archive_channel(f: Firing) -> list[Notice]:
    """CLOSE-5: the grace period is over; a case still closed has its channel archived."""
    case = f.case
    if case is None or case.state != "closed" or case.channel_id is None:
        return []
    record_event(case, at=f.now, actor=None, kind="channel_archived", new=case.channel_name)
    return [n.archive_case_channel()]


HANDLERS = {"verify_reminder": verify_reminder, "archive_channel": archive_channel}
