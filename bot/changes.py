"""WORK-3: the forward schedule of change. A case on a service inside a planned window is told
so at intake, and can be closed in one click with the code "planned outage"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import moments, permissions
from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import Notice
from bot.timeline import record_event
from bot.vocabulary import OPEN_STATES
from config.policy import Calendar, Policy
from store.models import Case, CaseEvent, Change

TITLE_MAX = 200
REASON_MAX = 500
LONGEST = timedelta(days=14)
REF = re.compile(r"^CHG-(\d{1,9})$", re.IGNORECASE)
USAGE = (
    "Write it as `/change add <service> <start> <end or length> <title>`. The start is `now`, "
    "a wait like `30m`, a time like `22:00`, `morning`, or a date and time like "
    "`2026-11-24 22:00`; the end is a length like `2h`, `90m` or `1d`, or a time in the same "
    "words. E.g. `/change add email 2026-11-24 22:00 2h Mail server patching` (the desk's "
    "time zone)."
)


class ChangeRefused(UserFacingError):
    """The window could not be entered; the message says how to write it."""


@dataclass(frozen=True, kw_only=True)
class Window:
    ref: str
    service_key: str
    title: str
    starts_at: datetime
    ends_at: datetime


def add(
    session: Session, policy: Policy, *, actor: str, text: str, now: datetime, calendar: Calendar
) -> Change:
    """`/change add`: a planned window on one service, entered from Slack. Its times read the
    same words as `/case estimate`, in the desk's calendar."""
    permissions.require(actor, may_enter(policy), to="enter planned changes")
    words = text.split()
    if len(words) < 4:
        raise ChangeRefused(f"Something is missing. {USAGE}")
    service = words[0].lower()
    if service not in policy.services:
        raise ChangeRefused(
            f"`{service}` is not a service in the catalog. Services: {', '.join(policy.services)}."
        )
    start_text, rest = moments.split_first(words[1:])
    end_text, title_words = moments.split_first(rest)
    title = " ".join(title_words)
    if not title:
        raise ChangeRefused(f"Give the window a title. {USAGE}")
    starts = now if start_text.lower() == "now" else _moment(start_text, now, calendar)
    span = moments.length(end_text)
    ends = starts + span if span is not None else _moment(end_text, now, calendar, after=starts)
    if ends <= starts:
        raise ChangeRefused("The window must end after it starts.")
    if ends - starts > LONGEST:
        raise ChangeRefused("A window is at most 14 days; enter longer work as several windows.")
    if ends <= now:
        raise ChangeRefused("That window is already over; the schedule holds future work.")
    if len(title) > TITLE_MAX:
        raise ChangeRefused(f"The title is {len(title)} characters; keep it to {TITLE_MAX}.")
    change = Change(
        service_key=service,
        title=title,
        starts_at=starts,
        ends_at=ends,
        created_by=actor,
        created_at=now,
    )
    session.add(change)
    session.flush()
    return change


def _moment(
    text: str, now: datetime, calendar: Calendar, after: datetime | None = None
) -> datetime:
    try:
        return moments.read(text, now=now, calendar=calendar, after=after)
    except moments.Unreadable as exc:
        raise ChangeRefused(f"{exc} {USAGE}") from None


def may_enter(policy: Policy) -> list[permissions.Holder]:
    return [
        permissions.role(policy, "service_desk"),
        permissions.role(policy, "command_center"),
        permissions.role(policy, "managers"),
    ]


def remove(
    session: Session, policy: Policy, *, actor: str, text: str, now: datetime
) -> tuple[Change, list[tuple[Case, list[Notice]]]]:
    """`/change remove CHG-n [reason]`: the window leaves the schedule (the row stays, marked
    removed, for the record). Whoever entered it, the command center or a manager may remove
    it. Open cases flagged by it lose the flag and its one-click close, on their timelines."""
    ref, _, reason = text.strip().partition(" ")
    found = REF.match(ref)
    if found is None:
        raise ChangeRefused("Name the window: `/change remove CHG-12 [why]` (see `/change list`).")
    if any(w.ref.upper() == ref.upper() for w in policy.planned_windows):
        raise ChangeRefused(
            f"{ref.upper()} comes from the change system's export (config/changes.yml); remove "
            "it there."
        )
    change = session.get(Change, int(found.group(1)))
    if change is None or change.removed_at is not None:
        raise ChangeRefused(f"There is no {ref.upper()} on the schedule; see `/change list`.")
    creator = permissions.Holder(
        label=f"the person who entered {change.ref}", users=frozenset({change.created_by})
    )
    permissions.require(
        actor,
        [
            creator,
            permissions.role(policy, "command_center"),
            permissions.role(policy, "managers"),
        ],
        to=f"remove {change.ref}",
    )
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ChangeRefused(f"The reason is {len(reason)} characters; keep it to {REASON_MAX}.")
    change.removed_by, change.removed_at, change.removal_reason = actor, now, reason
    flagged_ids = select(CaseEvent.case_id).where(
        CaseEvent.kind == "planned_outage", CaseEvent.new_value == change.ref
    )
    flagged = session.scalars(
        select(Case)
        .where(Case.id.in_(flagged_ids), Case.state.in_(OPEN_STATES))
        .order_by(Case.number)
    )
    effects = [(case, _unflag(policy, case, change, actor=actor, now=now)) for case in flagged]
    return change, effects


def _unflag(
    policy: Policy, case: Case, change: Change, *, actor: str, now: datetime
) -> list[Notice]:
    record_event(
        case,
        at=now,
        actor=actor,
        kind="planned_outage_removed",
        new=change.ref,
        reason=change.removal_reason or f"{change.ref} was removed from the schedule",
    )
    case.updated_at = now
    notices = n.refresh_cards(policy, case)
    if case.coordinator_id != actor:  # the remover reads the list in the answer
        notices.append(
            n.post(
                case.coordinator_id,
                "planned_outage_removed",
                change=change.ref,
                reason=change.removal_reason,
                by=actor,
            )
        )
    return notices


def window_of(change: Change) -> Window:
    return Window(
        ref=change.ref,
        service_key=change.service_key,
        title=change.title,
        starts_at=change.starts_at,
        ends_at=change.ends_at,
    )


def windows(
    session: Session, policy: Policy, *, now: datetime, service_key: str | None = None
) -> list[Window]:
    """Current and upcoming windows, soonest first: those entered in Slack and those of the
    desk's changes.yml."""
    query = (
        select(Change)
        .where(Change.ends_at > now, Change.removed_at.is_(None))
        .order_by(Change.starts_at)
    )
    if service_key is not None:
        query = query.where(Change.service_key == service_key)
    found = [window_of(c) for c in session.execute(query).scalars()]
    found += [
        Window(
            ref=w.ref,
            service_key=w.service_key,
            title=w.title,
            starts_at=w.starts_at,
            ends_at=w.ends_at,
        )
        for w in policy.planned_windows
        if w.ends_at > now and service_key in (None, w.service_key)
    ]
    return sorted(found, key=lambda w: (w.starts_at, w.ref))


def flag_at_intake(session: Session, policy: Policy, case: Case, *, now: datetime) -> None:
    """WORK-3: the case's service is inside a planned window now: say so on the case."""
    current = [
        w
        for w in windows(session, policy, now=now, service_key=case.service_key)
        if w.starts_at <= now
    ]
    if not current:
        return
    window = current[0]
    record_event(
        case,
        at=now,
        actor=None,
        kind="planned_outage",
        new=window.ref,
        reason=window.title,
        detail={"ends_at": window.ends_at.isoformat()},
    )


def planned_outage_of(case: Case) -> tuple[str, str, str] | None:
    """(ref, title, ends_at) of the window the case was recorded in, if any and not removed."""
    flagged = next((e for e in case.events if e.kind == "planned_outage"), None)
    if flagged is None:
        return None
    if any(
        e.kind == "planned_outage_removed" and e.new_value == flagged.new_value for e in case.events
    ):
        return None
    return (flagged.new_value or "", flagged.reason or "", str(flagged.detail.get("ends_at", "")))
