"""priority.yml and sla.yml: how impact and urgency make a priority (CLASSIFY-3, ROUTE-1) and
the SLA targets and cadences of each priority (SLA-1..3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import Field

from config.catalog_policy import PriorityRef
from config.policy_types import (
    Duration,
    Entry,
    Flag,
    Key,
    Keyed,
    Label,
    LongText,
    Provides,
    Ref,
    Section,
    Text,
    UserId,
    Whole,
    complete,
)

ImpactRef = Annotated[str, Ref("impact_levels")]
UrgencyRef = Annotated[str, Ref("urgency_levels")]
Levels = tuple[Text, ...]


class Priority(Section):
    label: Text


class ImpactOption(Section):
    value: Text
    label: Label
    impact: ImpactRef


class ImpactQuestion(Entry):
    """A business-impact question (CLASSIFY-3): people affected, groups, critical service."""

    label: LongText
    options: tuple[ImpactOption, ...] = Field(min_length=1)

    def option(self, value: str) -> ImpactOption | None:
        return next((o for o in self.options if o.value == value), None)


class UrgencyOption(Section):
    value: UrgencyRef
    label: Label


MatrixRow = Annotated[
    dict[UrgencyRef, PriorityRef],
    complete(
        "urgency_levels", lambda u: f"no priority for urgency {u!r}", allowed_from="priorities"
    ),
]


class PriorityFile(Section):
    """The fields are checked in this order, so each refers only to those above it."""

    impact_levels: Annotated[Levels, Field(min_length=1), Provides("impact_levels")]
    urgency_levels: Annotated[Levels, Field(min_length=1), Provides("urgency_levels")]
    priorities: Annotated[dict[str, Priority], Field(min_length=1), Provides("priorities")]
    unknown_impact: ImpactRef
    unknown_urgency: UrgencyRef
    matrix: Annotated[
        dict[ImpactRef, MatrixRow],
        complete(
            "impact_levels",
            lambda i: f"no row for impact {i!r}",
            allowed="one row per impact level",
        ),
    ]
    major_priorities: Annotated[tuple[PriorityRef, ...], Provides("major_priorities")]
    impact_questions: Annotated[dict[Key, ImpactQuestion], Keyed, Provides("impact_questions")]
    urgency_options: tuple[UrgencyOption, ...] = Field(min_length=1)


class SlaTargets(Section):
    """How long the desk may take for each metric at one priority."""

    first_response: Duration
    next_update: Duration
    resolution: Duration


class SlaFile(Section):
    targets: Annotated[
        dict[PriorityRef, SlaTargets],
        complete(
            "priorities",
            lambda p: f"no SLA targets for {p}",
            allowed="first_response, next_update, resolution",
        ),
    ]
    # a warning at 100 % or later would come with the breach or after it
    warn_at_percent: Whole = Field(ge=1, le=99)
    at_risk_within: Duration = timedelta(hours=1)  # SLA-2: the Home's clocks at risk
    pause_while_waiting_on_requester: Flag
    status_update_every: dict[Annotated[str, Ref("major_priorities")], Duration]
    breach_contacts: tuple[UserId, ...] = ()
