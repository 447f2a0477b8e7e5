"""desk.yml: the desk itself (who plays which role, where broadcasts go, how cases are numbered
and closed), and how cases are worked, closed, made major and learned from. Every section after
`closure_codes` is optional, with the defaults written here."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import Field

from config.catalog_policy import GroupRef, PriorityRef, ServiceRef
from config.policy_types import (
    KEY,
    ChannelId,
    Duration,
    Flag,
    Label,
    PersonOrGroup,
    Section,
    Text,
    Whole,
    matching,
    one_of,
)

People = tuple[PersonOrGroup, ...]


class CommandCenter(Section):
    name: Text
    group: GroupRef


class DeskSection(Section):
    name: Text
    case_number_start: Whole = Field(ge=1)
    broadcast_channel: ChannelId
    management_channel: ChannelId
    change_queue_channel: ChannelId | None = None
    service_desk_group: GroupRef
    command_center: CommandCenter


class Roles(Section):
    """PERM-1: Slack user ids (U…) and user groups (S…) per role."""

    key_kind = "role"
    service_desk: People
    command_center: People
    managers: People
    override_approvers: People


class ClosureCode(Section):
    code: Annotated[str, matching(KEY, "lower-case letters, digits, - and _")]
    label: Label
    resolved: Flag
    survey: Flag = True  # QUAL-1: whether a close with this code asks the requester's opinion


class Coordination(Section):
    """How people work a case together (ROUTE-3..7, WORK-1, WORK-4): the waits before the bot
    reminds or escalates, and the reaction that pins a message to the timeline."""

    key_kind = "setting"
    estimate_reminder_after: Duration = timedelta(minutes=10)
    handoff_reminder_after: Duration = timedelta(minutes=15)
    handoff_escalate_after: Duration = timedelta(minutes=30)
    consult_followup_after: Duration = timedelta(minutes=30)
    command_center_test_every: Duration = timedelta(minutes=20)
    timeline_reaction: Annotated[
        str, matching(r"^[a-z0-9_+-]+$", "an emoji name without colons, e.g. pushpin")
    ] = "pushpin"
    history_page_size: Whole = Field(10, ge=1)
    join_brief_entries: Whole = Field(5, ge=0)


class Closure(Section):
    """The end of a case's life (CLOSE-1..6): the drop-down values of the close form, and the
    waits before the bot reminds a silent requester or archives a case channel."""

    key_kind = "setting"
    root_causes: tuple[Text, ...] = Field(
        (
            "Hardware failure",
            "Software defect",
            "Configuration change",
            "Capacity",
            "Third-party or vendor",
            "User error or training",
            "Request (no fault)",
            "Unknown",
        ),
        min_length=1,
    )
    verify_reminder_after: Duration = timedelta(hours=8)
    verify_give_up_after: Duration = timedelta(hours=24)
    channel_archive_after: Duration = timedelta(hours=24)
    approval_priorities: frozenset[PriorityRef] = frozenset()
    approval_services: frozenset[ServiceRef] = frozenset()
    survey_at_most_every: Duration = timedelta(days=30)

    def needs_approval(self, *, priority: str, service_key: str) -> bool:
        """CLOSE-3: these cases close only after a manager approves."""
        return priority in self.approval_priorities or service_key in self.approval_services


class MajorIncident(Section):
    """WORK-6: besides the major priorities of priority.yml, a case is major when it is on one
    of `services` at that service's priority or more severe, or when `linked_cases` cases have
    been linked to it as children."""

    key_kind = "setting"
    services: dict[ServiceRef, PriorityRef] = Field(default_factory=dict)
    linked_cases: Whole | None = Field(None, ge=2)


class Problems(Section):
    """CLOSE-5 and QUAL-3: which closed cases open a problem case, where problems are worked
    (without `channel`, the management channel), and how often an overdue preventive action is
    reminded."""

    key_kind = "setting"
    priorities: frozenset[PriorityRef] = frozenset()
    channel: ChannelId | None = None
    action_reminder_every: Duration = timedelta(days=1)


class Figures(Section):
    """QUAL-2: the goals the desk's figures are read against."""

    key_kind = "setting"
    first_contact_resolution_goal_percent: Whole = Field(80, ge=1, le=100)  # CLOSE-6

    @property
    def first_contact_resolution_goal(self) -> float:
        return self.first_contact_resolution_goal_percent / 100


# Every contact channel the bot records cases through (bot/vocabulary.py labels them).
CONTACT_CHANNELS = (
    "slack_form",
    "slack_command",
    "slack_message",
    "self_service",
    "monitoring",
)
ContactChannel = Annotated[str, one_of(*CONTACT_CHANNELS)]


class Intake(Section):
    """INTAKE-5: automated contacts (a self-service form, a monitoring alert) are flagged
    "needs validation" until a person confirms or corrects their classification."""

    key_kind = "setting"
    needs_validation_from: frozenset[ContactChannel] = frozenset({"self_service", "monitoring"})


class DeskFile(Section):
    desk: DeskSection
    roles: Roles
    closure_codes: tuple[ClosureCode, ...] = Field(min_length=1)
    intake: Intake = Intake()
    coordination: Coordination = Coordination()
    closure: Closure = Closure()
    major_incident: MajorIncident = MajorIncident()
    problems: Problems = Problems()
    figures: Figures = Figures()
