"""groups.yml and catalog.yml: the provider groups, the services they resolve (CLASSIFY-2,
ROUTE-2, ROUTE-4) and the requests the catalog describes (WORK-5)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo, model_validator

from config.calendar_policy import CalendarRef
from config.policy_types import (
    ChannelId,
    Duration,
    Entry,
    Flag,
    Key,
    Keyed,
    PersonOrGroup,
    Provides,
    Ref,
    Section,
    Text,
    UserId,
    Whole,
    one_of,
    problem,
    provided,
)

GroupRef = Annotated[str, Ref("groups")]
PriorityRef = Annotated[str, Ref("priorities")]
ServiceRef = Annotated[str, Ref("services")]
Category = Annotated[str, one_of("default", "hardware", "software", "network", "security", "other")]
Metric = Annotated[str, one_of("first_response", "next_update", "resolution")]


class Group(Entry):
    """A provider group: a resolver team with a queue channel and an on-call technician."""

    name: Text
    tier: Whole = Field(ge=1)
    focus: Text
    queue_channel: ChannelId
    members: tuple[PersonOrGroup, ...] = Field(min_length=1)
    on_call: UserId
    supervisor: UserId
    calendar: CalendarRef | None = None


class GroupsFile(Section):
    groups: Annotated[dict[Key, Group], Keyed, Field(min_length=1), Provides("groups")]


def _has_default(groups: dict[str, str]) -> dict[str, str]:
    if "default" not in groups:
        raise problem("no `default` group", "a `default:` provider group key")
    return groups


def _upward(routes: dict[str, tuple[str, ...]], info: ValidationInfo) -> dict[str, tuple[str, ...]]:
    """ROUTE-4: an escalation goes to a higher tier; the same tier is a transfer."""
    groups: dict[str, Group] = provided(info, "groups")
    for source, targets in routes.items():
        for target in targets:
            low, high = groups[source].tier, groups[target].tier
            if high <= low:
                raise problem(
                    f"{source} (tier {low}) -> {target} (tier {high}) is not an escalation",
                    "groups of a higher tier; another focus area at the same tier is a "
                    "transfer: name that group under `groups:` instead",
                    at=(source,),
                    found=list(targets),
                )
    return routes


class Service(Entry):
    """One catalog entry: whether the desk supports it and who resolves it."""

    name: Text
    supported: Flag
    business_critical: Flag = False
    security_violation: Flag = False
    groups: Annotated[dict[Category, GroupRef], AfterValidator(_has_default)]
    escalation_routes: Annotated[dict[GroupRef, tuple[GroupRef, ...]], AfterValidator(_upward)] = (
        Field(default_factory=dict)
    )
    priority_at_least: PriorityRef | None = None
    priority_at_most: PriorityRef | None = None
    sla_overrides: dict[PriorityRef, dict[Metric, Duration]] = Field(
        default_factory=dict, alias="sla"
    )
    calendar: CalendarRef | None = None
    business_contacts: tuple[UserId, ...] = ()

    def group_for(self, category: str | None) -> str:
        """The provider group the catalog names for this category (ROUTE-2)."""
        if category and category in self.groups:
            return self.groups[category]
        return self.groups["default"]


class CatalogItem(Entry):
    """WORK-5: one request the catalog describes. Fulfillment items list prerequisites, whether
    a manager authorises them and how long they take; new-service items either name a standard
    change the desk may implement or become a request for change for the change queue."""

    name: Text
    kind: Literal["fulfillment", "new_service"] = Field(alias="type")
    service: ServiceRef
    prerequisites: tuple[Text, ...] = ()
    approval: Flag = False
    estimate: Duration | None = None
    standard_change: Text | None = None

    @model_validator(mode="after")
    def _procedure_fits_kind(self) -> CatalogItem:
        given = self.model_fields_set
        if self.kind == "new_service" and {"prerequisites", "estimate"} & given:
            raise problem(
                "a new-service request follows change management, not a fulfilment procedure",
                "prerequisites and estimate only on type: fulfillment",
                at=("type",),
                found=self.kind,
            )
        if self.kind == "fulfillment" and self.standard_change is not None:
            raise problem(
                "only new-service requests become changes",
                "type: new_service",
                at=("standard_change",),
                found=self.standard_change,
            )
        return self


class CatalogFile(Section):
    services: Annotated[dict[Key, Service], Keyed, Provides("services")]
    requests: Annotated[dict[Key, CatalogItem], Keyed] = Field(default_factory=dict)
