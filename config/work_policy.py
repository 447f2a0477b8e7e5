"""Policy for what follows and surrounds a case: major-incident criteria (WORK-6), problem cases
(CLOSE-5, QUAL-3), the catalog's request procedures (WORK-5) and planned windows written in a
file (WORK-3). Read from YAML and checked with the same one-message errors as the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from config.yaml_checks import Checker

REQUEST_KINDS = ("fulfillment", "new_service")
CHANNEL_ID = r"^[CG][A-Z0-9]{2,}$"
KEY = r"^[a-z0-9][a-z0-9_-]*$"
WINDOW_REF = r"^[A-Z][A-Z0-9]*-[A-Za-z0-9-]+$"
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}$")
LONGEST_WINDOW = timedelta(days=14)


@dataclass(frozen=True, kw_only=True)
class MajorIncident:
    """WORK-6: besides the major priorities of priority.yml, a case is major when it is on one
    of `services` at that service's priority or more severe, or when `linked_cases` cases have
    been linked to it as children."""

    services: dict[str, str] = field(default_factory=dict)
    linked_cases: int | None = None


@dataclass(frozen=True, kw_only=True)
class Problems:
    """CLOSE-5 and QUAL-3: which closed cases open a problem case, where problems are worked,
    and how often an overdue preventive action is reminded."""

    priorities: frozenset[str] = frozenset()
    channel: str | None = None
    action_reminder_every: timedelta = timedelta(days=1)


@dataclass(frozen=True, kw_only=True)
class CatalogItem:
    """WORK-5: one request the catalog describes. Fulfillment items list prerequisites, whether
    a manager authorises them and how long they take; new-service items either name a standard
    change the desk may implement or become a request for change for the change queue."""

    key: str
    name: str
    kind: str
    service: str
    prerequisites: tuple[str, ...] = ()
    approval: bool = False
    estimate: timedelta | None = None
    standard_change: str | None = None


@dataclass(frozen=True, kw_only=True)
class PlannedWindow:
    """WORK-3: a window of the forward schedule of change written in changes.yml."""

    ref: str
    service_key: str
    title: str
    starts_at: datetime
    ends_at: datetime


def major_incident(node: Checker, *, priorities: list[str], services: list[str]) -> MajorIncident:
    """The optional `major_incident:` section of desk.yml."""
    if node.value is None:
        return MajorIncident()
    node = node.mapping()
    for extra in node.key_names():
        if extra not in ("services", "linked_cases"):
            node.at(extra).fail("unknown setting", "services, linked_cases")
    by_service = {
        key: item.one_of(priorities)
        for key, item in node.optional("services").items(allowed_keys=services)
    }
    linked = node.optional("linked_cases")
    return MajorIncident(
        services=by_service,
        linked_cases=linked.whole(minimum=2) if linked.value is not None else None,
    )


def problems(node: Checker, *, priorities: list[str], fallback_channel: str) -> Problems:
    """The optional `problems:` section of desk.yml."""
    if node.value is None:
        return Problems()
    node = node.mapping()
    known = ("priorities", "channel", "action_reminder_every")
    for extra in node.key_names():
        if extra not in known:
            node.at(extra).fail("unknown setting", ", ".join(known))
    prio = node.optional("priorities")
    channel = node.optional("channel")
    every = node.optional("action_reminder_every")
    return Problems(
        priorities=frozenset(prio.str_list(allowed=priorities) if prio.value is not None else ()),
        channel=(
            channel.matching(CHANNEL_ID, "a channel id like C0PROBLEMS")
            if channel.value is not None
            else fallback_channel
        ),
        action_reminder_every=(
            every.duration() if every.value is not None else Problems().action_reminder_every
        ),
    )


def catalog_items(node: Checker, *, services: list[str]) -> dict[str, CatalogItem]:
    """The optional `requests:` section of catalog.yml."""
    items: dict[str, CatalogItem] = {}
    for key, raw in node.items(key_pattern=KEY):
        item = raw.mapping()
        known = ("name", "type", "service", "prerequisites", "approval", "estimate")
        for extra in item.key_names():
            if extra not in (*known, "standard_change"):
                item.at(extra).fail("unknown setting", ", ".join((*known, "standard_change")))
        kind = item.at("type").one_of(REQUEST_KINDS)
        prereq = item.optional("prerequisites")
        estimate = item.optional("estimate")
        approval = item.optional("approval")
        standard = item.optional("standard_change")
        if kind == "new_service" and (prereq.value is not None or estimate.value is not None):
            item.at("type").fail(
                "a new-service request follows change management, not a fulfilment procedure",
                "prerequisites and estimate only on type: fulfillment",
            )
        if kind == "fulfillment" and standard.value is not None:
            standard.fail("only new-service requests become changes", "type: new_service")
        items[key] = CatalogItem(
            key=key,
            name=item.text("name"),
            kind=kind,
            service=item.at("service").one_of(services),
            prerequisites=tuple(prereq.str_list() if prereq.value is not None else ()),
            approval=approval.flag(default=False),
            estimate=estimate.duration() if estimate.value is not None else None,
            standard_change=standard.text() if standard.value is not None else None,
        )
    return items


def planned_windows(file: Path, *, services: list[str], zone: str) -> tuple[PlannedWindow, ...]:
    """changes.yml, when the desk keeps its forward schedule in a file: a list of windows, each
    with a ref from the change system, a service, local start and end times and a title."""
    if not file.is_file():
        return ()
    doc = Checker.load(file)
    found: list[PlannedWindow] = []
    for entry in doc.at("windows").entries():
        window = entry.mapping()
        for extra in window.key_names():
            if extra not in ("ref", "service", "start", "end", "title"):
                window.at(extra).fail("unknown setting", "ref, service, start, end, title")
        ref = window.at("ref").matching(WINDOW_REF, "a change reference like CHG-2231")
        if any(w.ref == ref for w in found):
            window.at("ref").fail("used twice", "one entry per change reference")
        starts = _local(window.at("start"), zone)
        ends = _local(window.at("end"), zone)
        if ends <= starts:
            window.at("end").fail("not after the start", "an end later than the start")
        if ends - starts > LONGEST_WINDOW:
            window.at("end").fail("more than 14 days after the start", "split it into windows")
        found.append(
            PlannedWindow(
                ref=ref,
                service_key=window.at("service").one_of(services),
                title=window.text("title"),
                starts_at=starts,
                ends_at=ends,
            )
        )
    return tuple(found)


def _local(node: Checker, zone: str) -> datetime:
    text = str(node.value) if node.value is not None else ""
    if not LOCAL_TIME.match(text):
        node.fail("not a local date and time", "YYYY-MM-DDTHH:MM in the desk's time zone")
    try:
        local = datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=ZoneInfo(zone))
    except ValueError:
        node.fail("not a real date and time", "YYYY-MM-DDTHH:MM")
        raise
    return local.astimezone(UTC)
