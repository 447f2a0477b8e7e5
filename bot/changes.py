"""WORK-3: the forward schedule of change. A case on a service inside a planned window is told
so at intake, and can be closed in one click with the code "planned outage"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import permissions
from bot.errors import UserFacingError
from bot.timeline import record_event
from config.policy import Policy
from store.models import Case, Change

TITLE_MAX = 200
LONGEST = timedelta(days=14)
WHEN = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$")
SPAN = re.compile(r"^(\d{1,3})\s*(m|h|d)$")
USAGE = (
    "Write it as `/change add <service> <start> <end or length> <title>`, e.g. "
    "`/change add email 2026-11-24T22:00 2h Mail server patching` (times in the desk's time zone)."
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
    session: Session, policy: Policy, *, actor: str, text: str, now: datetime, zone: str
) -> Change:
    """`/change add`: a planned window on one service, entered from Slack."""
    permissions.require(
        actor,
        [
            permissions.role(policy, "service_desk"),
            permissions.role(policy, "command_center"),
            permissions.role(policy, "managers"),
        ],
        to="enter planned changes",
    )
    words = text.split()
    if len(words) < 4:
        raise ChangeRefused(f"Something is missing. {USAGE}")
    service, start_text, end_text, title = words[0].lower(), words[1], words[2], " ".join(words[3:])
    if service not in policy.services:
        raise ChangeRefused(
            f"`{service}` is not a service in the catalog. Services: {', '.join(policy.services)}."
        )
    starts = _moment(start_text, zone)
    span = SPAN.match(end_text)
    if span:
        amount, unit = int(span.group(1)), span.group(2)
        ends = starts + timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: amount})
    else:
        ends = _moment(end_text, zone)
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


def _moment(text: str, zone: str) -> datetime:
    match = WHEN.match(text)
    if match is None:
        raise ChangeRefused(f"I can't read {text!r} as a date and time. {USAGE}")
    try:
        day = datetime.fromisoformat(match.group(1)).date()
        hour, minute = int(match.group(2)), int(match.group(3))
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))
    except ValueError:
        raise ChangeRefused(f"{text!r} is not a real date and time. {USAGE}") from None
    return local.astimezone(UTC)


def windows(
    session: Session, policy: Policy, *, now: datetime, service_key: str | None = None
) -> list[Window]:
    """Current and upcoming windows, soonest first: those entered in Slack and those of the
    desk's changes.yml."""
    query = select(Change).where(Change.ends_at > now).order_by(Change.starts_at)
    if service_key is not None:
        query = query.where(Change.service_key == service_key)
    found = [
        Window(
            ref=c.ref,
            service_key=c.service_key,
            title=c.title,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
        )
        for c in session.execute(query).scalars()
    ]
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
    """(ref, title, ends_at) of the window the case was recorded in, if any."""
    flagged = next((e for e in case.events if e.kind == "planned_outage"), None)
    if flagged is None:
        return None
    return (flagged.new_value or "", flagged.reason or "", str(flagged.detail.get("ends_at", "")))
