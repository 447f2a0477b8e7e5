"""The whole page as one document (BCAST-2): `status.json` version 1. The HTML page and the Atom
feed are drawn from this document only, so nothing reaches a reader that the JSON does not
publish (docs/status-page.md describes every key)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot import changes
from bot.status.incidents import (
    announced_events,
    incident_document,
    rfc3339,
    service_name,
    shown_cases,
)
from config.policy import Policy
from store.models import Case, CaseState

VERSION = 1
STATE_WORDS = {
    "outage": "Outage",
    "degraded": "Degraded",
    "planned": "Planned work",
    "operational": "Operational",
}


def listed_services(policy: Policy) -> tuple[str, ...]:
    """The services the page lists: status.yml's, else every supported catalog service."""
    page = policy.status_page
    if page.services is not None:
        return page.services
    return tuple(key for key, service in policy.services.items() if service.supported)


def status_document(session: Session, policy: Policy, *, now: datetime) -> dict[str, Any]:
    """Current major incidents, each listed service's state, planned work and the incidents
    resolved within `resolved_for`, as of `now`."""
    page = policy.status_page
    listed = listed_services(policy)
    cases = shown_cases(
        session, now=now, resolved_for=page.resolved_for, services=frozenset(listed)
    )
    announced = announced_events(session, cases)
    incidents = [incident_document(session, policy, c, events=announced[c.id]) for c in cases]
    windows = [w for w in changes.windows(session, policy, now=now) if w.service_key in set(listed)]
    open_cases = [c for c in cases if c.state != CaseState.CLOSED]
    return {
        "version": VERSION,
        "generated_at": rfc3339(now),
        "page": {"title": page.title, "url": page.url},
        "incidents": incidents,
        "services": [_service(policy, key, open_cases, windows, now=now) for key in listed],
        "planned": [
            {
                "ref": w.ref,
                "service": w.service_key,
                "service_name": service_name(policy, w.service_key),
                "title": w.title,
                "starts_at": rfc3339(w.starts_at),
                "ends_at": rfc3339(w.ends_at),
                "in_progress": w.starts_at <= now,
            }
            for w in windows
        ],
    }


def _service(
    policy: Policy,
    key: str,
    open_cases: list[Case],
    windows: list[changes.Window],
    *,
    now: datetime,
) -> dict[str, Any]:
    """A service's state: an outage while a major incident of the most severe impact is open on
    it, degraded while a lesser one is, planned work inside a window, else operational."""
    mine = [c for c in open_cases if c.service_key == key]
    if any(c.impact == policy.impact_levels[0] for c in mine):
        state = "outage"
    elif mine:
        state = "degraded"
    elif any(w.service_key == key and w.starts_at <= now for w in windows):
        state = "planned"
    else:
        state = "operational"
    return {
        "key": key,
        "name": service_name(policy, key),
        "state": state,
        "state_label": STATE_WORDS[state],
        "incidents": [c.ref for c in mine],
    }
