"""The desk's process policy, read from YAML and checked as a whole before the bot starts.

Everything a desk manager would tune (catalog, groups, roles, matrix, SLA targets, closure codes)
lives here as frozen values, so the workflow reads policy and never parses YAML. Each file has
a typed model (config/*_policy.py) that checks its shape and its references to other files;
`load_policy` reads them in order and puts the values together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from config.alerts_policy import AlertsFile
from config.calendar_policy import Calendar, CalendarsFile
from config.catalog_policy import CatalogFile, CatalogItem, Group, GroupsFile, Service
from config.changes_policy import ChangesFile, PlannedWindow
from config.desk_policy import (
    Closure,
    ClosureCode,
    Coordination,
    DeskFile,
    Figures,
    Intake,
    MajorIncident,
    Problems,
)
from config.policy_read import PolicyError, read_policy_file
from config.priority_policy import (
    ImpactOption,
    ImpactQuestion,
    PriorityFile,
    SlaFile,
    SlaTargets,
)
from config.reports_policy import ReportsFile, WeeklyReport
from config.status_policy import StatusFile, StatusPage
from config.subscribers_policy import SubscribersFile
from config.usergroups import UserGroupMembers, is_usergroup

__all__ = [
    "Calendar",
    "CatalogItem",
    "Closure",
    "ClosureCode",
    "Coordination",
    "Figures",
    "Group",
    "ImpactOption",
    "ImpactQuestion",
    "Intake",
    "MajorIncident",
    "PlannedWindow",
    "Policy",
    "PolicyError",
    "Problems",
    "Service",
    "SlaTargets",
    "StatusPage",
    "WeeklyReport",
    "load_policy",
]

POLICY_FILES = ("desk.yml", "groups.yml", "catalog.yml", "priority.yml", "sla.yml", "calendars.yml")


@dataclass(frozen=True, kw_only=True)
class Policy:
    """The whole validated policy of one desk."""

    desk_name: str
    case_number_start: int
    broadcast_channel: str
    management_channel: str
    service_desk_group: str
    command_center_name: str
    command_center_group: str
    roles: dict[str, frozenset[str]]
    closure_codes: tuple[ClosureCode, ...]
    groups: dict[str, Group]
    services: dict[str, Service]
    impact_levels: tuple[str, ...]
    urgency_levels: tuple[str, ...]
    unknown_impact: str
    unknown_urgency: str
    matrix: dict[str, dict[str, str]]
    priorities: dict[str, str]
    major_priorities: frozenset[str]
    impact_questions: tuple[ImpactQuestion, ...]
    urgency_options: tuple[tuple[str, str], ...]
    sla_targets: dict[str, SlaTargets]
    warn_fraction: float
    pause_while_waiting: bool
    status_update_every: dict[str, timedelta]
    breach_contacts: tuple[str, ...]
    calendars: dict[str, Calendar]
    default_calendar: str
    major_calendar: str
    at_risk_within: timedelta = timedelta(hours=1)
    intake: Intake = field(default_factory=Intake)
    coordination: Coordination = field(default_factory=Coordination)
    closure: Closure = field(default_factory=Closure)
    major_incident: MajorIncident = field(default_factory=MajorIncident)
    problems: Problems = field(default_factory=Problems)
    figures: Figures = field(default_factory=Figures)
    requests: dict[str, CatalogItem] = field(default_factory=dict)
    planned_windows: tuple[PlannedWindow, ...] = ()
    change_queue_channel: str | None = None
    alerts: AlertsFile | None = None  # alerts.yml: monitoring sources and rules (optional)
    weekly_report: WeeklyReport = field(default_factory=WeeklyReport)
    desk_zone: str = "UTC"  # the default calendar's zone: report days and CSV times are in it
    subscribers: SubscribersFile = field(default_factory=SubscribersFile)
    status_page: StatusPage = field(default_factory=StatusPage)
    source: Path = field(default=Path("."))
    usergroups: UserGroupMembers = field(default_factory=UserGroupMembers, compare=False)

    def has_role(self, user_id: str, role: str) -> bool:
        return user_id in self.usergroups.expand(self.roles.get(role, frozenset()))

    def holders(self, role: str) -> tuple[str, ...]:
        """Who holds a role, in a stable order (a refusal names them, PERM-1): its user ids
        and the current members of its user groups."""
        return tuple(sorted(self.usergroups.expand(self.roles.get(role, frozenset()))))

    def role_usergroups(self, role: str) -> tuple[str, ...]:
        """The user groups (S…) a role is given to, as configured."""
        return tuple(sorted(e for e in self.roles.get(role, frozenset()) if is_usergroup(e)))

    def members_of(self, group: Group) -> frozenset[str]:
        """A provider group's members: its user ids and its user groups' current members."""
        return self.usergroups.expand(group.members)

    def usergroup_places(self) -> dict[str, list[str]]:
        """Every user group the policy names, with where (`desk.yml roles.managers`), so a
        group Slack does not know can be reported at its place."""
        places: dict[str, list[str]] = {}
        for role, entries in sorted(self.roles.items()):
            for entry in sorted(entries):
                if is_usergroup(entry):
                    places.setdefault(entry, []).append(f"desk.yml roles.{role}")
        for key, group in self.groups.items():
            for entry in group.members:
                if is_usergroup(entry):
                    places.setdefault(entry, []).append(f"groups.yml groups.{key}.members")
        return places

    def is_staff(self, user_id: str) -> bool:
        """Anyone with a desk role or a place in a provider group (not just a requester)."""
        if any(user_id in self.usergroups.expand(members) for members in self.roles.values()):
            return True
        return any(
            user_id in self.members_of(g) or user_id in (g.on_call, g.supervisor)
            for g in self.groups.values()
        )

    def sla_for(self, priority: str, service_key: str | None) -> SlaTargets:
        """SLA-1: the priority's default targets, overridden by the service's own SLA."""
        base = self.sla_targets[priority]
        service = self.services.get(service_key or "")
        overrides = service.sla_overrides.get(priority, {}) if service else {}
        return base.model_copy(update=overrides) if overrides else base

    def calendar_for(self, *, priority: str, service_key: str, group_key: str | None) -> Calendar:
        """The business hours a case's clocks count: 24x7 for major priorities, else the
        service's calendar, else its group's, else the desk default (SLA-1)."""
        if self.is_major(priority, service_key):
            return self.calendars[self.major_calendar]
        service = self.services.get(service_key)
        group = self.groups.get(group_key or "")
        key = (service and service.calendar) or (group and group.calendar) or self.default_calendar
        return self.calendars[key]

    def priority_rank(self, priority: str) -> int:
        """0 for the most severe priority; order follows priority.yml."""
        return list(self.priorities).index(priority)

    def is_major(self, priority: str, service_key: str | None = None) -> bool:
        """ROUTE-1/WORK-6: a major priority, or a priority at or above the one the
        `major_incident.services` setting names for this service."""
        if priority in self.major_priorities:
            return True
        floor = self.major_incident.services.get(service_key or "")
        return floor is not None and self.priority_rank(priority) <= self.priority_rank(floor)

    def major_reason(self, priority: str, service_key: str | None) -> str | None:
        """Why these make a case major, in words for the timeline; None if they do not."""
        if priority in self.major_priorities:
            return f"{priority} is a major priority"
        if self.is_major(priority, service_key):
            return f"{priority} on {service_key} is major for this desk"
        return None

    def needs_validation(self, contact_channel: str) -> bool:
        """INTAKE-5: whether a case recorded through this channel waits for a person's check."""
        return contact_channel in self.intake.needs_validation_from

    def closure_code(self, code: str) -> ClosureCode | None:
        return next((c for c in self.closure_codes if c.code == code), None)


def load_policy(folder: Path) -> Policy:
    """Read every policy file in `folder` and check it; PolicyError names file, key and fix.
    The files are read in an order where each refers only to what the earlier ones define."""
    missing = [name for name in POLICY_FILES if not (folder / name).is_file()]
    if missing:
        raise PolicyError(
            f"{folder}: missing policy file(s) {', '.join(missing)}. Copy them from the shipped "
            "config/ folder and adapt them."
        )
    known: dict[str, Any] = {}  # what each file defines, for the references of the next
    cal = read_policy_file(CalendarsFile, folder / "calendars.yml", known)
    groups = read_policy_file(GroupsFile, folder / "groups.yml", known).groups
    prio = read_policy_file(PriorityFile, folder / "priority.yml", known)
    catalog = read_policy_file(CatalogFile, folder / "catalog.yml", known)
    sla = read_policy_file(SlaFile, folder / "sla.yml", known)
    desk = read_policy_file(DeskFile, folder / "desk.yml", known)
    known["zone"] = cal.calendars[cal.default_calendar].timezone  # changes.yml's local times
    changes = folder / "changes.yml"
    windows = read_policy_file(ChangesFile, changes, known).windows if changes.is_file() else ()
    alerts_file = folder / "alerts.yml"
    alerts = read_policy_file(AlertsFile, alerts_file, known) if alerts_file.is_file() else None
    reports_file = folder / "reports.yml"
    reports = read_policy_file(ReportsFile, reports_file, known) if reports_file.is_file() else None
    subscribers_file = folder / "subscribers.yml"
    subscribers = (
        read_policy_file(SubscribersFile, subscribers_file, known)
        if subscribers_file.is_file()
        else SubscribersFile()
    )
    status = folder / "status.yml"
    page = read_policy_file(StatusFile, status, known).page if status.is_file() else StatusPage()
    return Policy(
        desk_name=desk.desk.name,
        case_number_start=desk.desk.case_number_start,
        broadcast_channel=desk.desk.broadcast_channel,
        management_channel=desk.desk.management_channel,
        service_desk_group=desk.desk.service_desk_group,
        command_center_name=desk.desk.command_center.name,
        command_center_group=desk.desk.command_center.group,
        roles={role: frozenset(people) for role, people in desk.roles},
        closure_codes=desk.closure_codes,
        groups=groups,
        services=catalog.services,
        impact_levels=prio.impact_levels,
        urgency_levels=prio.urgency_levels,
        unknown_impact=prio.unknown_impact,
        unknown_urgency=prio.unknown_urgency,
        matrix=prio.matrix,
        priorities={key: p.label for key, p in prio.priorities.items()},
        major_priorities=frozenset(prio.major_priorities),
        impact_questions=tuple(prio.impact_questions.values()),
        urgency_options=tuple((o.value, o.label) for o in prio.urgency_options),
        sla_targets=sla.targets,
        warn_fraction=sla.warn_at_percent / 100,
        pause_while_waiting=sla.pause_while_waiting_on_requester,
        at_risk_within=sla.at_risk_within,
        status_update_every=sla.status_update_every,
        breach_contacts=sla.breach_contacts,
        calendars=cal.calendars,
        default_calendar=cal.default_calendar,
        major_calendar=cal.major_calendar,
        intake=desk.intake,
        coordination=desk.coordination,
        closure=desk.closure,
        major_incident=desk.major_incident,
        problems=desk.problems,
        figures=desk.figures,
        requests=catalog.requests,
        planned_windows=windows,
        change_queue_channel=desk.desk.change_queue_channel,
        alerts=alerts,
        weekly_report=reports.weekly_report if reports else WeeklyReport(),
        desk_zone=known["zone"],
        subscribers=subscribers,
        status_page=page,
        source=folder,
    )
