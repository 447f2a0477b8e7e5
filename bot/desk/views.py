"""What crosses the desk's boundary: frozen plain values read inside the transaction. Handlers
and the App Home get these, never the database's objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import validation
from bot.intake import CaseBrief
from bot.targets import first_response_due
from config.policy import Policy
from store.models import Case


@dataclass(frozen=True, kw_only=True)
class CaseSummary:
    """What a handler needs to answer the person who acted, read inside the transaction."""

    number: int
    ref: str
    summary: str
    state: str
    priority: str
    priority_label: str
    is_major: bool
    requester_id: str
    coordinator_id: str
    group_key: str | None
    group_name: str | None
    support_status: str
    first_response_due: datetime | None  # the clock's, as `/case sla` shows it
    channel_id: str | None
    needs_validation: bool = False  # INTAKE-5: an automated contact nobody has confirmed yet
    held_for_validation: bool = False  # ... which would be major: it waits to go major


@dataclass(frozen=True, kw_only=True)
class Recorded:
    case: CaseSummary
    already: bool = False


@dataclass(frozen=True, kw_only=True)
class HeldForDuplicates:
    """INTAKE-4: nothing recorded yet; the reporter chooses between these and a new case."""

    draft_id: int
    requester_open: list[CaseBrief]
    similar: list[tuple[CaseBrief, float]]
    same_service: list[CaseBrief]


@dataclass(frozen=True, kw_only=True)
class ProblemSummary:
    """What a handler needs to answer about a problem, read inside the transaction."""

    id: int
    ref: str
    state: str
    state_label: str
    case_ref: str
    owner_id: str
    reviewed: bool
    actions: int
    open_actions: int


def summarize(policy: Policy, case: Case) -> CaseSummary:
    """The plain summary of a case that handlers and the App Home show."""
    group = policy.groups.get(case.group_key or "")
    return CaseSummary(
        number=case.number,
        ref=case.ref,
        summary=case.summary,
        state=case.state,
        priority=case.priority,
        priority_label=policy.priorities.get(case.priority, ""),
        is_major=case.is_major,
        requester_id=case.requester_id,
        coordinator_id=case.coordinator_id,
        group_key=case.group_key,
        group_name=group.name if group else None,
        support_status=case.support_status,
        first_response_due=first_response_due(case),
        channel_id=case.channel_id,
        needs_validation=case.needs_validation,
        held_for_validation=validation.held_for_major(policy, case),
    )
