"""Times promised to people (INTAKE-3, WORK-1, SLA-2). Every promise reads the due time of the
case's SLA clock, the same row `/case sla` shows, so the requester's DM, the cards and the clock
never disagree. Nothing here adds a target to the wall clock: `bot/sla.py` counts it in the
case's business calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from store.models import Case, SlaClock

# The order in which a requester is promised something: the first response while it is owed,
# then the resolution.
PROMISE_ORDER = ("first_response", "resolution")


@dataclass(frozen=True, kw_only=True)
class Due:
    """One clock's promise as people read it."""

    metric: str
    state: str  # running, warned, breached, paused, stopped, met, none
    at: datetime | None  # when it is due (or was, once breached); when it was met, if met


def due(case: Case, metric: str) -> Due:
    """The promise of one of the case's clocks, from its row."""
    clock = next((c for c in case.clocks if c.metric == metric), None)
    if clock is None:
        return Due(metric=metric, state="none", at=None)
    return Due(metric=metric, state=_state(clock), at=clock.met_at or clock.due_at)


def first_response_due(case: Case) -> datetime | None:
    """INTAKE-3: when the first response is due, while it is still owed and counting."""
    found = due(case, "first_response")
    return found.at if found.state in ("running", "warned", "breached") else None


def next_promise(case: Case) -> Due:
    """What the requester is owed next: the first response, else the resolution."""
    for metric in PROMISE_ORDER:
        found = due(case, metric)
        if found.state not in ("met", "stopped", "none"):
            return found
    return due(case, "resolution")


def _state(clock: SlaClock) -> str:
    if clock.met_at is not None:
        return "met"
    if clock.paused_since is not None:
        return "paused"
    if clock.due_at is None:  # the case was resolved or closed before the target was met
        return "stopped"
    if clock.breached_at is not None:
        return "breached"
    if clock.warned_at is not None:
        return "warned"
    return "running"
