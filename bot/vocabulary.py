"""The fixed vocabularies of the process (PROCESS.md sections 1-2 and States).

Every classification drop-down carries "I don't know" (INTAKE-6); it is stored as UNKNOWN so
the count of such answers is a plain query.
"""

from __future__ import annotations

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
    "new": "New",
    "assigned": "Assigned",
    "in_progress": "In progress",
    "pending": "Pending",
    "waiting_on_coordinator": "Waiting on coordinator",
    "resolved": "Resolved (proposed)",
    "reopened": "Reopened",
    "closed": "Closed",
}

# Who may move a case where; everything else is refused with the allowed list.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("pending", "assigned", "closed"),
    "pending": ("assigned", "in_progress", "waiting_on_coordinator", "closed"),
    "assigned": ("in_progress", "pending", "waiting_on_coordinator", "closed"),
    "in_progress": ("pending", "waiting_on_coordinator", "resolved", "closed"),
    "waiting_on_coordinator": ("in_progress", "resolved", "closed"),
    "resolved": ("closed", "reopened"),
    "reopened": ("in_progress",),
    "closed": (),
}

OPEN_STATES = tuple(s for s in STATES if s != "closed")

CONTACT_CHANNELS: dict[str, str] = {
    "slack_form": "Slack form",
    "slack_command": "Slack command",
    "slack_message": "Slack message",
    "self_service": "Self-service form",
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
