"""The public incident (BCAST-2, BCAST-3): one major incident as readers outside Slack see it,
in the `status.json` shape the page, the Atom feed and the subscribers' webhooks share.

Only what the desk already tells its customers goes in: the case number, the summary, the
service, priority and impact, the customer-facing status updates (the ones BCAST-1 posts to the
broadcast channel and the requester reads) and the resolution. Never internal notes, who
coordinates, who asked, nor anything from the timeline that is not an announcement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from bot import targets
from bot.closure import RESTORED
from config.policy import Policy
from store.models import Case, CaseEvent, CaseState

# Timeline kinds that were announced: the notice (ROUTE-1's broadcast), each status update
# (`/case update`, SLA-3) and the close (BCAST-1's resolution).
ANNOUNCED = ("major", "status_update", "closed")
ENTRY_KIND = {"major": "notice", "status_update": "update", "closed": "resolution"}
# A raw Slack id left in typed text (`@U0DESK01`) names a person; the page says who in words.
_PERSON = re.compile(r"@[UW][A-Z0-9]{6,}\b")
STATUS_WORDS = {
    "investigating": "Investigating",
    "monitoring": "Fix applied, monitoring",
    "resolved": "Resolved",
    "closed": "Closed",
}


def rfc3339(moment: datetime | None) -> str | None:
    """RFC 3339 in UTC with a Z, to the second: what status.json and the feed carry."""
    if moment is None:
        return None
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def public_text(text: str) -> str:
    """Typed text as the public reads it: a person's raw Slack id becomes "the desk"."""
    return _PERSON.sub("the desk", text).strip()


def public_status(policy: Policy, case: Case) -> str:
    """Where the incident stands in the words of a status page (Statuspage's vocabulary)."""
    if case.state == CaseState.CLOSED:
        code = policy.closure_code(case.closure_code or "")
        return "resolved" if code is not None and code.resolved else "closed"
    if case.state in (CaseState.WAITING_ON_COORDINATOR, CaseState.RESOLVED):
        return "monitoring"
    return "investigating"


def impact_words(case: Case) -> str:
    return f"{case.impact.replace('_', ' ').capitalize()} impact"


def service_name(policy: Policy, key: str) -> str:
    service = policy.services.get(key)
    return service.name if service is not None else key


class Announcement(NamedTuple):
    """The columns of an announced timeline row the public reads (not the whole row: the page
    reads a thousand of them per render)."""

    id: int
    case_id: int
    kind: str
    at: datetime
    new_value: str | None


def entry_id(case: Case, event: Announcement | CaseEvent) -> str:
    """A stable id per announcement (Atom's entry id, the webhooks' idempotency key)."""
    return f"CASE-{case.number}/{ENTRY_KIND[event.kind]}/{event.id}"


def announced_events(session: Session, cases: Sequence[Case]) -> dict[int, list[Announcement]]:
    """The announcements of several cases in one query, oldest first per case."""
    found: dict[int, list[Announcement]] = {case.id: [] for case in cases}
    if not cases:
        return found
    rows = session.execute(
        select(CaseEvent.id, CaseEvent.case_id, CaseEvent.kind, CaseEvent.at, CaseEvent.new_value)
        .where(CaseEvent.case_id.in_(list(found)), CaseEvent.kind.in_(ANNOUNCED))
        .order_by(CaseEvent.id)
    )
    for row in rows:
        event = Announcement(*row)
        found[event.case_id].append(event)
    return found


def incident_document(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    events: Iterable[Announcement] | None = None,
) -> dict[str, Any]:
    """One incident in the `status.json` shape (documented in docs/status-page.md), from the
    database as it is now. `events` are the case's announcements when the caller read them
    already (the page reads all incidents' in one query)."""
    if events is None:
        events = announced_events(session, [case])[case.id]
    updates = [u for u in (_entry(policy, case, event) for event in events) if u is not None]
    status = public_status(policy, case)
    closed = case.state == CaseState.CLOSED
    return {
        "number": case.ref,
        "title": public_text(case.summary),
        "services": [case.service_key],
        "service_names": [service_name(policy, case.service_key)],
        "priority": case.priority,
        "priority_label": policy.priorities.get(case.priority, ""),
        "impact": impact_words(case),
        "status": status,
        "status_label": STATUS_WORDS[status],
        "started_at": rfc3339(case.first_contact_at),
        "updated_at": rfc3339(max(_at(u["at"]) for u in updates) if updates else case.updated_at),
        "resolved_at": rfc3339(case.closed_at) if closed else None,
        "next_update_due": None if closed else rfc3339(next_update_due(case)),
        "resolution": _resolution(case) if closed else None,
        "updates": updates,
    }


def next_update_due(case: Case) -> datetime | None:
    """When the desk owes the next update: the case's next-update SLA clock, the same row
    `/case sla` shows (reset by every status update, SLA-3); none while it is paused or met."""
    found = targets.due(case, "next_update")
    return found.at if found.state in ("running", "warned", "breached") else None


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _resolution(case: Case) -> str:
    """What was done, as the broadcast's resolution says it, with whether all is restored."""
    parts = []
    if case.resolution is not None and case.resolution.done.strip():
        parts.append(public_text(case.resolution.done))
    if case.closure is not None and case.closure.restored in RESTORED:
        parts.append(RESTORED[case.closure.restored])
    return " ".join(_sentence(part) for part in parts)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _entry(policy: Policy, case: Case, event: Announcement) -> dict[str, Any] | None:
    if event.kind == "status_update":
        text = public_text(event.new_value or "")
    elif event.kind == "major":
        text = (
            f"We are investigating a major incident affecting "
            f"{service_name(policy, case.service_key)}: {public_text(case.summary)}."
        )
    else:
        status = public_status(policy, case)
        text = f"{STATUS_WORDS[status]}. {_resolution(case)}".strip()
    if not text:
        return None
    return {
        "id": entry_id(case, event),
        "kind": ENTRY_KIND[event.kind],
        "at": rfc3339(event.at),
        "text": text,
    }


def shown_cases(
    session: Session, *, now: datetime, resolved_for: timedelta, services: frozenset[str] | None
) -> list[Case]:
    """Announced major incidents (ROUTE-1's notice went out): the open ones, then those closed
    within `resolved_for` (as BCAST-1's resolution is posted for them), newest first within
    each; only the listed services' when the page lists some."""
    announced = exists().where(CaseEvent.case_id == Case.id, CaseEvent.kind == "major")
    query = (
        select(Case)
        .where(
            announced,  # the broadcast channel heard of it (an unsupported one waits first)
            or_(
                and_(Case.is_major.is_(True), Case.state != CaseState.CLOSED),
                and_(Case.state == CaseState.CLOSED, Case.closed_at >= now - resolved_for),
            ),
        )
        .options(selectinload(Case.clocks))
    )
    if services is not None:
        query = query.where(Case.service_key.in_(sorted(services)))
    cases = list(session.scalars(query))
    current = sorted(
        (c for c in cases if c.state != CaseState.CLOSED),
        key=lambda c: -c.first_contact_at.timestamp(),
    )
    resolved = sorted(
        (c for c in cases if c.state == CaseState.CLOSED),
        key=lambda c: -(c.closed_at or c.updated_at).timestamp(),
    )
    return [*current, *resolved]
