"""The desk's process policy, read from YAML and checked as a whole before the bot starts.

Everything a desk manager would tune (catalog, groups, roles, matrix, SLA targets, closure codes)
lives here as plain frozen values, so the workflow reads policy and never parses YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from config.holiday_dates import KEYS as HOLIDAY_KEYS
from config.holiday_dates import OLD_EXTRA_KEY, HolidayDates, read_holiday_dates
from config.usergroups import UserGroupMembers, is_usergroup
from config.work_policy import (
    CatalogItem,
    MajorIncident,
    PlannedWindow,
    Problems,
    catalog_items,
    major_incident,
    planned_windows,
    problems,
)
from config.yaml_checks import Checker, PolicyError

__all__ = [
    "Calendar",
    "CatalogItem",
    "Closure",
    "ClosureCode",
    "Coordination",
    "Group",
    "ImpactOption",
    "ImpactQuestion",
    "MajorIncident",
    "PlannedWindow",
    "Policy",
    "PolicyError",
    "Problems",
    "Service",
    "SlaTargets",
    "load_policy",
]

POLICY_FILES = ("desk.yml", "groups.yml", "catalog.yml", "priority.yml", "sla.yml", "calendars.yml")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CALENDAR_KEYS = ("timezone", "always_open", "hours", *HOLIDAY_KEYS, OLD_EXTRA_KEY)
CATEGORIES = ("hardware", "software", "network", "security", "other")
SLA_METRICS = ("first_response", "next_update", "resolution")
ROLE_NAMES = ("service_desk", "command_center", "managers", "override_approvers")
USER_ID = r"^[UW][A-Z0-9]{2,}$"
# PERM-1: a role or a group's members may be user ids or Slack user groups (S…).
PERSON_OR_GROUP = r"^([UW]|S)[A-Z0-9]{2,}$"
PERSON_OR_GROUP_WHAT = "a Slack user id like U0123ABC or a user group id like S0123ABC"
CHANNEL_ID = r"^[CG][A-Z0-9]{2,}$"
KEY = r"^[a-z0-9][a-z0-9_-]*$"


@dataclass(frozen=True, kw_only=True)
class Calendar:
    """Business hours in one time zone: open spans per weekday (0 = Monday), closed holidays."""

    key: str
    timezone: str
    always_open: bool
    hours: dict[int, tuple[tuple[time, time], ...]]
    holidays: HolidayDates

    def is_holiday(self, day: date) -> bool:
        """Whether the calendar is closed all day (a public holiday or a local closure)."""
        return day in self.holidays


@dataclass(frozen=True, kw_only=True)
class Group:
    """A provider group: a resolver team with a queue channel and an on-call technician."""

    key: str
    name: str
    tier: int
    focus: str
    queue_channel: str
    members: tuple[str, ...]
    on_call: str
    supervisor: str
    calendar: str | None = None


@dataclass(frozen=True, kw_only=True)
class SlaTargets:
    """How long the desk may take for each metric at one priority."""

    first_response: timedelta
    next_update: timedelta
    resolution: timedelta


@dataclass(frozen=True, kw_only=True)
class Service:
    """One catalog entry: whether the desk supports it and who resolves it."""

    key: str
    name: str
    supported: bool
    business_critical: bool
    security_violation: bool
    groups: dict[str, str]
    escalation_routes: dict[str, tuple[str, ...]]
    priority_at_least: str | None
    priority_at_most: str | None
    sla_overrides: dict[str, dict[str, timedelta]]
    calendar: str | None = None
    business_contacts: tuple[str, ...] = ()

    def group_for(self, category: str | None) -> str:
        """The provider group the catalog names for this category (ROUTE-2)."""
        if category and category in self.groups:
            return self.groups[category]
        return self.groups["default"]


@dataclass(frozen=True, kw_only=True)
class ImpactOption:
    value: str
    label: str
    impact: str


@dataclass(frozen=True, kw_only=True)
class ImpactQuestion:
    """A business-impact question (CLASSIFY-3): people affected, groups, critical service."""

    key: str
    label: str
    options: tuple[ImpactOption, ...]

    def option(self, value: str) -> ImpactOption | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True, kw_only=True)
class ClosureCode:
    code: str
    label: str
    resolved: bool
    survey: bool = True  # QUAL-1: whether a close with this code asks the requester's opinion


@dataclass(frozen=True, kw_only=True)
class Coordination:
    """How people work a case together (ROUTE-3..7, WORK-1, WORK-4): the waits before the bot
    reminds or escalates, and the reaction that pins a message to the timeline."""

    estimate_reminder_after: timedelta = timedelta(minutes=10)
    handoff_reminder_after: timedelta = timedelta(minutes=15)
    handoff_escalate_after: timedelta = timedelta(minutes=30)
    consult_followup_after: timedelta = timedelta(minutes=30)
    command_center_test_every: timedelta = timedelta(minutes=20)
    timeline_reaction: str = "pushpin"
    history_page_size: int = 10
    join_brief_entries: int = 5


@dataclass(frozen=True, kw_only=True)
class Closure:
    """The end of a case's life (CLOSE-1..6): the drop-down values of the close form, and the
    waits before the bot reminds a silent requester or archives a case channel."""

    root_causes: tuple[str, ...] = (
        "Hardware failure",
        "Software defect",
        "Configuration change",
        "Capacity",
        "Third-party or vendor",
        "User error or training",
        "Request (no fault)",
        "Unknown",
    )
    verify_reminder_after: timedelta = timedelta(hours=8)
    verify_give_up_after: timedelta = timedelta(hours=24)
    channel_archive_after: timedelta = timedelta(hours=24)
    approval_priorities: frozenset[str] = frozenset()
    approval_services: frozenset[str] = frozenset()
    survey_at_most_every: timedelta = timedelta(days=30)

    def needs_approval(self, *, priority: str, service_key: str) -> bool:
        """CLOSE-3: these cases close only after a manager approves."""
        return priority in self.approval_priorities or service_key in self.approval_services


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
    coordination: Coordination = field(default_factory=Coordination)
    closure: Closure = field(default_factory=Closure)
    major_incident: MajorIncident = field(default_factory=MajorIncident)
    problems: Problems = field(default_factory=Problems)
    requests: dict[str, CatalogItem] = field(default_factory=dict)
    planned_windows: tuple[PlannedWindow, ...] = ()
    change_queue_channel: str | None = None
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
        return SlaTargets(
            first_response=overrides.get("first_response", base.first_response),
            next_update=overrides.get("next_update", base.next_update),
            resolution=overrides.get("resolution", base.resolution),
        )

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

    def closure_code(self, code: str) -> ClosureCode | None:
        return next((c for c in self.closure_codes if c.code == code), None)


def load_policy(folder: Path) -> Policy:
    """Read every policy file in `folder` and check it; PolicyError names file, key and fix."""
    missing = [name for name in POLICY_FILES if not (folder / name).is_file()]
    if missing:
        raise PolicyError(
            f"{folder}: missing policy file(s) {', '.join(missing)}. Copy them from the shipped "
            "config/ folder and adapt them."
        )
    desk = Checker.load(folder / "desk.yml")
    groups_file = Checker.load(folder / "groups.yml")
    catalog = Checker.load(folder / "catalog.yml")
    prio = Checker.load(folder / "priority.yml")
    sla = Checker.load(folder / "sla.yml")
    cal = Checker.load(folder / "calendars.yml")

    calendars = _calendars(cal)
    groups = _groups(groups_file, calendars)
    priorities = {key: item.mapping().text("label") for key, item in prio.at("priorities").items()}
    if not priorities:
        prio.at("priorities").fail("no priorities defined", "at least one, e.g. P1: {label: ...}")
    levels = _levels(prio)
    impact_levels, urgency_levels = levels
    services = _services(catalog, groups, priorities, calendars)
    major = tuple(prio.at("major_priorities").str_list(allowed=list(priorities)))
    desk_node = desk.at("desk")
    service_desk_group = desk_node.at("service_desk_group").one_of(list(groups))
    cc_node = desk_node.at("command_center")
    roles_node = desk.at("roles")
    roles = {
        role: frozenset(
            roles_node.at(role).str_list(pattern=PERSON_OR_GROUP, what=PERSON_OR_GROUP_WHAT)
        )
        for role in ROLE_NAMES
    }
    for extra in roles_node.key_names():
        if extra not in ROLE_NAMES:
            roles_node.at(extra).fail("unknown role", ", ".join(ROLE_NAMES))
    return Policy(
        desk_name=desk_node.text("name"),
        case_number_start=desk_node.at("case_number_start").whole(minimum=1),
        broadcast_channel=desk_node.at("broadcast_channel").matching(CHANNEL_ID, "a channel id"),
        management_channel=desk_node.at("management_channel").matching(CHANNEL_ID, "a channel id"),
        service_desk_group=service_desk_group,
        command_center_name=cc_node.text("name"),
        command_center_group=cc_node.at("group").one_of(list(groups)),
        roles=roles,
        closure_codes=_closure_codes(desk),
        groups=groups,
        services=services,
        impact_levels=impact_levels,
        urgency_levels=urgency_levels,
        unknown_impact=prio.at("unknown_impact").one_of(list(impact_levels)),
        unknown_urgency=prio.at("unknown_urgency").one_of(list(urgency_levels)),
        matrix=_matrix(prio, impact_levels, urgency_levels, priorities),
        priorities=priorities,
        major_priorities=frozenset(major),
        impact_questions=_impact_questions(prio, impact_levels),
        urgency_options=_urgency_options(prio, urgency_levels),
        sla_targets=_sla_targets(sla, priorities),
        # a warning at 100 % or later would come with the breach or after it
        warn_fraction=sla.at("warn_at_percent").whole(minimum=1, maximum=99) / 100,
        pause_while_waiting=sla.at("pause_while_waiting_on_requester").flag(),
        at_risk_within=(
            sla.optional("at_risk_within").duration()
            if sla.optional("at_risk_within").value is not None
            else timedelta(hours=1)
        ),
        status_update_every={
            prio_key: item.duration()
            for prio_key, item in sla.at("status_update_every").items(allowed_keys=list(major))
        },
        breach_contacts=tuple(
            sla.optional("breach_contacts").str_list(pattern=USER_ID)
            if sla.optional("breach_contacts").value is not None
            else ()
        ),
        calendars=calendars,
        default_calendar=cal.at("default_calendar").one_of(list(calendars)),
        major_calendar=cal.at("major_calendar").one_of(list(calendars)),
        coordination=_coordination(desk.optional("coordination")),
        closure=_closure(desk.optional("closure"), priorities=list(priorities), services=services),
        major_incident=major_incident(
            desk.optional("major_incident"), priorities=list(priorities), services=list(services)
        ),
        problems=problems(
            desk.optional("problems"),
            priorities=list(priorities),
            fallback_channel=desk_node.at("management_channel").value,
        ),
        requests=catalog_items(catalog.optional("requests"), services=list(services)),
        planned_windows=planned_windows(
            folder / "changes.yml",
            services=list(services),
            zone=calendars[cal.at("default_calendar").one_of(list(calendars))].timezone,
        ),
        change_queue_channel=(
            desk_node.at("change_queue_channel").matching(CHANNEL_ID, "a channel id")
            if desk_node.optional("change_queue_channel").value is not None
            else None
        ),
        source=folder,
    )


def _coordination(node: Checker) -> Coordination:
    """The optional `coordination:` section of desk.yml; a missing key keeps its default."""
    if node.value is None:
        return Coordination()
    node = node.mapping()
    default = Coordination()
    durations = {
        name: node.optional(name).duration()
        for name in (
            "estimate_reminder_after",
            "handoff_reminder_after",
            "handoff_escalate_after",
            "consult_followup_after",
            "command_center_test_every",
        )
        if node.optional(name).value is not None
    }
    reaction = node.optional("timeline_reaction")
    pages = node.optional("history_page_size")
    entries = node.optional("join_brief_entries")
    known = list(Coordination.__dataclass_fields__)
    for extra in node.key_names():
        if extra not in known:
            node.at(extra).fail("unknown setting", ", ".join(known))
    return Coordination(
        **durations,
        timeline_reaction=(
            reaction.matching(r"^[a-z0-9_+-]+$", "an emoji name without colons, e.g. pushpin")
            if reaction.value is not None
            else default.timeline_reaction
        ),
        history_page_size=(
            pages.whole(minimum=1) if pages.value is not None else default.history_page_size
        ),
        join_brief_entries=(
            entries.whole(minimum=0) if entries.value is not None else default.join_brief_entries
        ),
    )


def _closure(node: Checker, *, priorities: list[str], services: dict[str, Service]) -> Closure:
    """The optional `closure:` section of desk.yml; a missing key keeps its default."""
    if node.value is None:
        return Closure()
    node = node.mapping()
    known = list(Closure.__dataclass_fields__)
    for extra in node.key_names():
        if extra not in known:
            node.at(extra).fail("unknown setting", ", ".join(known))
    default = Closure()

    def wait(name: str, fallback: timedelta) -> timedelta:
        value = node.optional(name)
        return value.duration() if value.value is not None else fallback

    causes = node.optional("root_causes")
    approve_prio = node.optional("approval_priorities")
    approve_services = node.optional("approval_services")
    return Closure(
        approval_priorities=frozenset(
            approve_prio.str_list(allowed=priorities) if approve_prio.value is not None else ()
        ),
        approval_services=frozenset(
            approve_services.str_list(allowed=list(services))
            if approve_services.value is not None
            else ()
        ),
        root_causes=(
            tuple(causes.str_list(non_empty=True))
            if causes.value is not None
            else default.root_causes
        ),
        verify_reminder_after=wait("verify_reminder_after", default.verify_reminder_after),
        verify_give_up_after=wait("verify_give_up_after", default.verify_give_up_after),
        channel_archive_after=wait("channel_archive_after", default.channel_archive_after),
        survey_at_most_every=wait("survey_at_most_every", default.survey_at_most_every),
    )


def _groups(doc: Checker, calendars: dict[str, Calendar]) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for key, node in doc.at("groups").items(key_pattern=KEY):
        g = node.mapping()
        members = tuple(
            g.at("members").str_list(
                pattern=PERSON_OR_GROUP, non_empty=True, what=PERSON_OR_GROUP_WHAT
            )
        )
        groups[key] = Group(
            key=key,
            name=g.text("name"),
            tier=g.at("tier").whole(minimum=1),
            focus=g.text("focus"),
            queue_channel=g.at("queue_channel").matching(CHANNEL_ID, "a channel id like C0123ABC"),
            members=members,
            on_call=g.at("on_call").matching(USER_ID, "a user id like U0123ABC"),
            supervisor=g.at("supervisor").matching(USER_ID, "a user id like U0123ABC"),
            calendar=g.optional("calendar").optional_one_of(list(calendars)),
        )
    if not groups:
        doc.at("groups").fail("no provider groups defined", "at least one group")
    return groups


def _services(
    doc: Checker,
    groups: dict[str, Group],
    priorities: dict[str, str],
    calendars: dict[str, Calendar],
) -> dict[str, Service]:
    services: dict[str, Service] = {}
    group_keys = list(groups)
    for key, node in doc.at("services").items(key_pattern=KEY):
        s = node.mapping()
        mapping = s.at("groups")
        by_category = {
            cat: item.one_of(group_keys)
            for cat, item in mapping.items(allowed_keys=("default", *CATEGORIES))
        }
        if "default" not in by_category:
            mapping.fail("no `default` group", "a `default:` provider group key")
        routes: dict[str, tuple[str, ...]] = {}
        for source, item in s.optional("escalation_routes").items(allowed_keys=group_keys):
            routes[source] = tuple(item.str_list(allowed=group_keys))
            for target in routes[source]:
                if groups[target].tier <= groups[source].tier:
                    item.fail(
                        f"{source} (tier {groups[source].tier}) -> {target} (tier "
                        f"{groups[target].tier}) is not an escalation",
                        "groups of a higher tier; another focus area at the same tier is a "
                        "transfer: name that group under `groups:` instead",
                    )
        at_least = s.optional("priority_at_least").optional_one_of(list(priorities))
        at_most = s.optional("priority_at_most").optional_one_of(list(priorities))
        overrides: dict[str, dict[str, timedelta]] = {}
        for prio_key, item in s.optional("sla").items(allowed_keys=list(priorities)):
            overrides[prio_key] = {
                metric: value.duration() for metric, value in item.items(allowed_keys=SLA_METRICS)
            }
        services[key] = Service(
            key=key,
            name=s.text("name"),
            supported=s.at("supported").flag(),
            business_critical=s.optional("business_critical").flag(default=False),
            security_violation=s.optional("security_violation").flag(default=False),
            groups=by_category,
            escalation_routes=routes,
            priority_at_least=at_least,
            priority_at_most=at_most,
            sla_overrides=overrides,
            calendar=s.optional("calendar").optional_one_of(list(calendars)),
            business_contacts=tuple(
                s.optional("business_contacts").str_list(pattern=USER_ID)
                if s.optional("business_contacts").value is not None
                else ()
            ),
        )
    return services


def _levels(doc: Checker) -> tuple[tuple[str, ...], tuple[str, ...]]:
    impact = tuple(doc.at("impact_levels").str_list(non_empty=True))
    urgency = tuple(doc.at("urgency_levels").str_list(non_empty=True))
    return impact, urgency


def _matrix(
    doc: Checker,
    impact_levels: tuple[str, ...],
    urgency_levels: tuple[str, ...],
    priorities: dict[str, str],
) -> dict[str, dict[str, str]]:
    node = doc.at("matrix")
    matrix: dict[str, dict[str, str]] = {}
    for impact, row in node.items(allowed_keys=impact_levels):
        matrix[impact] = {
            urgency: cell.one_of(list(priorities))
            for urgency, cell in row.items(allowed_keys=urgency_levels)
        }
        for urgency in urgency_levels:
            if urgency not in matrix[impact]:
                row.fail(f"no priority for urgency {urgency!r}", ", ".join(priorities))
    for impact in impact_levels:
        if impact not in matrix:
            node.fail(f"no row for impact {impact!r}", "one row per impact level")
    return matrix


def _impact_questions(doc: Checker, impact_levels: tuple[str, ...]) -> tuple[ImpactQuestion, ...]:
    questions = []
    for key, node in doc.at("impact_questions").items(key_pattern=KEY):
        q = node.mapping()
        options = tuple(
            ImpactOption(
                value=opt.mapping().text("value"),
                label=opt.mapping().text("label", max_length=75),
                impact=opt.mapping().at("impact").one_of(list(impact_levels)),
            )
            for opt in q.at("options").entries(non_empty=True)
        )
        questions.append(
            ImpactQuestion(key=key, label=q.text("label", max_length=2000), options=options)
        )
    return tuple(questions)


def _urgency_options(doc: Checker, urgency_levels: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    options = []
    for opt in doc.at("urgency_options").entries(non_empty=True):
        m = opt.mapping()
        options.append((m.at("value").one_of(list(urgency_levels)), m.text("label", max_length=75)))
    return tuple(options)


def _closure_codes(doc: Checker) -> tuple[ClosureCode, ...]:
    codes = []
    for item in doc.at("closure_codes").entries(non_empty=True):
        m = item.mapping()
        codes.append(
            ClosureCode(
                code=m.at("code").matching(KEY, "lower-case letters, digits, - and _"),
                label=m.text("label", max_length=75),
                resolved=m.at("resolved").flag(),
                survey=m.optional("survey").flag(default=True),
            )
        )
    return tuple(codes)


def _sla_targets(doc: Checker, priorities: dict[str, str]) -> dict[str, SlaTargets]:
    node = doc.at("targets")
    targets: dict[str, SlaTargets] = {}
    for prio_key, item in node.items(allowed_keys=list(priorities)):
        m = item.mapping()
        targets[prio_key] = SlaTargets(
            first_response=m.at("first_response").duration(),
            next_update=m.at("next_update").duration(),
            resolution=m.at("resolution").duration(),
        )
    for prio_key in priorities:
        if prio_key not in targets:
            node.fail(f"no SLA targets for {prio_key}", "first_response, next_update, resolution")
    return targets


def _calendars(doc: Checker) -> dict[str, Calendar]:
    calendars: dict[str, Calendar] = {}
    for key, node in doc.at("calendars").items(key_pattern=KEY):
        c = node.mapping()
        list(c.items(allowed_keys=CALENDAR_KEYS))  # a misspelt key would go unnoticed
        zone = c.at("timezone").text()
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            c.at("timezone").fail("unknown time zone", "an IANA name such as Europe/London or UTC")
        always = c.optional("always_open").flag(default=False)
        hours: dict[int, tuple[tuple[time, time], ...]] = {}
        for day, spans in c.optional("hours").items(allowed_keys=WEEKDAYS):
            hours[WEEKDAYS.index(day)] = tuple(span.span() for span in spans.entries())
        if not always and not hours:
            c.fail("no opening hours", "`always_open: true`, or `hours:` per weekday")
        holidays = read_holiday_dates(c, always_open=always)
        calendars[key] = Calendar(
            key=key, timezone=zone, always_open=always, hours=hours, holidays=holidays
        )
    if not calendars:
        doc.at("calendars").fail("no calendars defined", "at least one calendar")
    return calendars
