"""The fixed vocabularies of the process (PROCESS.md sections 1-2 and States).

Every classification drop-down carries "I don't know" (INTAKE-6); it is stored as UNKNOWN so
the count of such answers is a plain query.
"""

from __future__ import annotations

from store.models import CaseState

UNKNOWN = "unknown"
UNKNOWN_LABEL = "I don't know"
NOT_IN_CATALOG = "not-in-catalog"

REQUEST_TYPES: dict[str, str] = {
    "information": "Information",
    "fulfillment": "Service fulfillment",
    "new_service": "New service",
    "incident": "Incident resolution",
}

CATEGORIES: dict[str, str] = {
    "hardware": "Hardware",
    "software": "Software",
    "network": "Network",
    "security": "Security",
    "other": "Other",
}

RECENT_CHANGES: dict[str, str] = {
    "nothing": "Nothing that I know of",
    "new_software": "New or updated software",
    "new_computer": "New or replaced computer",
    "moved": "Moved office or desk",
    "password": "Changed password or phone",
    "other": "Something else (describe below)",
}

STATES: dict[str, str] = {
    CaseState.NEW: "New",
    CaseState.ASSIGNED: "Assigned",
    CaseState.IN_PROGRESS: "In progress",
    CaseState.PENDING: "Pending",
    CaseState.WAITING_ON_COORDINATOR: "Waiting on coordinator",
    CaseState.RESOLVED: "Resolved (proposed)",
    CaseState.REOPENED: "Reopened",
    CaseState.CLOSED: "Closed",
}

# Who may move a case where; everything else is refused with the allowed list.
_S = CaseState
TRANSITIONS: dict[str, tuple[CaseState, ...]] = {
    _S.NEW: (_S.PENDING, _S.ASSIGNED, _S.CLOSED),
    _S.PENDING: (_S.ASSIGNED, _S.IN_PROGRESS, _S.WAITING_ON_COORDINATOR, _S.CLOSED),
    _S.ASSIGNED: (_S.IN_PROGRESS, _S.PENDING, _S.WAITING_ON_COORDINATOR, _S.CLOSED),
    _S.IN_PROGRESS: (_S.PENDING, _S.WAITING_ON_COORDINATOR, _S.RESOLVED, _S.CLOSED),
    _S.WAITING_ON_COORDINATOR: (_S.IN_PROGRESS, _S.RESOLVED, _S.CLOSED),
    _S.RESOLVED: (_S.CLOSED, _S.REOPENED),
    _S.REOPENED: (_S.IN_PROGRESS,),
    _S.CLOSED: (),
}

OPEN_STATES = tuple(s for s in CaseState if s != CaseState.CLOSED)

CONTACT_CHANNELS: dict[str, str] = {
    "slack_form": "Slack form",
    "slack_command": "Slack command",
    "slack_message": "Slack message",
    "self_service": "Self-service form",
    "monitoring": "Monitoring alert",
}

SUPPORT_STATUSES: dict[str, str] = {
    "supported": "Supported",
    "unknown": "Service not yet identified",
    "unsupported": "Unsupported service",
    "not_in_catalog": "Service not in the catalog",
    "security_violation": "Violates security policy: escalated to security",
    "override_temporary": "Unsupported; work approved for this case",
    "override_lasting": "Unsupported; work approved until further notice",
    "declined": "Declined as unsupported",
}

NEEDS_OVERRIDE = ("unsupported", "not_in_catalog")


def label(vocabulary: dict[str, str], value: str) -> str:
    """The human label of a stored value, "I don't know" for UNKNOWN."""
    if value == UNKNOWN:
        return UNKNOWN_LABEL
    return vocabulary.get(value, value)
