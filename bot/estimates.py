"""WORK-1: whoever takes a case gives the customer an estimate (the next contact or the
resolution); the requester is told, and the promise becomes a clock that reminds the
coordinator when it comes due with no contact on the record.

Contact is anything the desk sends the requester about the case (`note_contact`): an estimate, a
status update, a request for information, a `/case tell`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot import moments, permissions, timers
from bot import notices as n
from bot.business_time import add_business
from bot.errors import UserFacingError
from bot.notices import CASE_CHANNEL, Notice
from bot.timeline import record_event
from bot.timers import Firing
from config.policy import Calendar, Policy
from store.models import Case

KINDS = {"contact": "next contact", "resolution": "resolution"}
PRESETS: dict[str, str] = {
    "15m": "15 min",
    "30m": "30 min",
    "1h": "1 h",
    "4h": "4 h",
    "morning": "Next business morning",
}
KIND_WORDS = {
    "contact": "contact",
    "next-contact": "contact",
    "call": "contact",
    "resolution": "resolution",
    "resolve": "resolution",
    "resolved": "resolution",
    "fix": "resolution",
}
LONGEST = timedelta(days=14)
USAGE = (
    "Give the estimate as `[contact|resolution] <when>`, where <when> is 15m, 30m, 1h, 4h "
    "(in the case's business hours), morning (the next business morning), a time today like "
    "14:30, or 2026-11-25 09:00."
)


class EstimateRefused(UserFacingError):
    """The estimate could not be read or is not allowed; the message says how to give one."""


@dataclass(frozen=True, kw_only=True)
class Estimate:
    kind: str
    at: datetime


def missing_key(case: Case) -> str:
    return f"estimate-missing:{case.id}"


def promise_key(case: Case) -> str:
    return f"promise:{case.id}"


def parse(text: str, *, now: datetime, calendar: Calendar) -> Estimate:
    """`[contact|resolution] <when>`; the kind defaults to the next contact."""
    first, _, rest = text.strip().lower().partition(" ")
    if not first:
        raise EstimateRefused(f"No estimate given. {USAGE}")
    kind = "contact"
    if first in KIND_WORDS:
        kind, when = KIND_WORDS[first], rest.strip()
    else:
        when = f"{first} {rest}".strip()
    if not when:
        raise EstimateRefused(f"Say when, not only what. {USAGE}")
    return Estimate(kind=kind, at=_when(when, now=now, calendar=calendar))


def _when(text: str, *, now: datetime, calendar: Calendar) -> datetime:
    span = moments.length(text)
    try:
        if span is not None:
            # counted in the case's business hours, like its SLA clocks: "4h" on a Friday
            # evening is Monday morning for a desk that works office hours
            at = add_business(calendar, now, span.total_seconds())
        else:
            at = moments.read(text, now=now, calendar=calendar)
    except moments.Unreadable as exc:
        raise EstimateRefused(f"{exc} {USAGE}") from None
    if at <= now:
        raise EstimateRefused("That time has already passed; give a time in the future.")
    if at - now > LONGEST:
        raise EstimateRefused(
            "That is more than 14 days away. Promise an earlier contact instead; the customer "
            "should hear from us well before then."
        )
    return at


def calendar_of(policy: Policy, case: Case) -> Calendar:
    return policy.calendar_for(
        priority=case.priority, service_key=case.service_key, group_key=case.group_key
    )


def expect_estimate(session: Session, policy: Policy, case: Case, *, now: datetime) -> None:
    """After a take: remind the new coordinator if no estimate follows soon."""
    timers.schedule(
        session,
        key=missing_key(case),
        kind="estimate_missing",
        due_at=now + policy.coordination.estimate_reminder_after,
        now=now,
        case=case,
        payload={"coordinator": case.coordinator_id, "since": now.isoformat()},
    )


def give(
    session: Session, policy: Policy, case: Case, *, actor: str, text: str, now: datetime
) -> list[Notice]:
    """Read the person's estimate, then promise it."""
    if case.state == "closed":
        raise EstimateRefused(f"{case.ref} is closed; it needs no estimate.")
    permissions.require(
        actor,
        permissions.may_coordinate(policy, case),
        to=f"give the requester an estimate for {case.ref}",
    )
    estimate = parse(text, now=now, calendar=calendar_of(policy, case))
    return promise(session, policy, case, actor=actor, estimate=estimate, now=now)


def promise_within(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    kind: str,
    span: timedelta,
    now: datetime,
) -> list[Notice]:
    """A promise the desk's policy makes (a catalog item's estimate): `span` of the case's
    business hours from now, with no cap on how far that lands."""
    at = add_business(calendar_of(policy, case), now, span.total_seconds())
    return promise(session, policy, case, actor=actor, estimate=Estimate(kind=kind, at=at), now=now)


def promise(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    estimate: Estimate,
    now: datetime,
) -> list[Notice]:
    """Record the promise, tell the requester, and arm the clock that keeps us to it."""
    old = describe(case)
    case.estimate_kind, case.estimate_at, case.estimate_given_at = estimate.kind, estimate.at, now
    note_contact(case, now=now)
    record_event(
        case,
        at=now,
        actor=actor,
        kind="estimate",
        field="estimate",
        old=old,
        new=describe(case),
        reason=f"promised to the requester: {KINDS[estimate.kind]}",
    )
    timers.cancel(session, missing_key(case), now=now)
    timers.schedule(
        session,
        key=promise_key(case),
        kind="promise_due",
        due_at=estimate.at,
        now=now,
        case=case,
        payload={"at": estimate.at.isoformat()},
    )
    case.updated_at = now
    notices = [n.post(case.requester_id, "requester_estimate")]
    if case.channel_id or case.is_major:
        notices.append(n.post(CASE_CHANNEL, "estimate_given", actor=actor))
    return [*notices, *n.refresh_cards(policy, case)]


def clear(case: Case, *, actor: str, now: datetime, reason: str) -> None:
    """A reassignment voids the promise: the next coordinator gives a new one."""
    if case.estimate_at is None:
        return
    old = describe(case)
    case.estimate_kind = case.estimate_at = case.estimate_given_at = None
    record_event(
        case,
        at=now,
        actor=actor,
        kind="estimate",
        field="estimate",
        old=old,
        new=None,
        reason=reason,
    )


def note_contact(case: Case, *, now: datetime) -> None:
    """The requester heard from the desk: a promised next contact is kept."""
    case.last_contact_at = now


def describe(case: Case) -> str | None:
    if case.estimate_at is None or case.estimate_kind is None:
        return None
    return f"{KINDS[case.estimate_kind]} by {case.estimate_at.isoformat()}"


def promise_kept(case: Case) -> bool:
    """A contact promise is kept by any later contact; a resolution promise by a resolution."""
    if case.estimate_kind == "resolution":
        return case.state in ("resolved", "waiting_on_coordinator", "closed")
    return (
        case.last_contact_at is not None
        and case.estimate_given_at is not None
        and case.last_contact_at > case.estimate_given_at
    )


# -- timers -----------------------------------------------------------------------------------
def promise_due(f: Firing) -> list[Notice]:
    """The promised time came: remind the coordinator unless the promise was kept or moved."""
    case = f.case
    if case is None or case.state == "closed" or case.estimate_at is None:
        return []
    if case.estimate_at.isoformat() != f.timer.payload.get("at") or promise_kept(case):
        return []
    record_event(
        case,
        at=f.now,
        actor=None,
        kind="promise_due",
        field="estimate",
        new=describe(case),
        detail={"late": f.late},
    )
    return [n.post(case.coordinator_id, "promise_due", late=f.late)]


def estimate_missing(f: Firing) -> list[Notice]:
    """The taker has not given an estimate yet: remind them, once."""
    case = f.case
    if case is None or case.state == "closed":
        return []
    since = datetime.fromisoformat(str(f.timer.payload.get("since")))
    given = case.estimate_given_at
    if case.coordinator_id != f.timer.payload.get("coordinator") or (given and given >= since):
        return []
    record_event(case, at=f.now, actor=None, kind="estimate_missing", detail={"late": f.late})
    return [n.post(case.coordinator_id, "estimate_needed")]


HANDLERS = {"promise_due": promise_due, "estimate_missing": estimate_missing}
