"""`/case list`: which open cases a filter names, most urgent first, a page at a time.

The filter words are read here (a clear error names what is allowed); the database does the
filtering, the ordering and the paging, so a desk of 100,000 cases reads one page. At risk and
breached are SLA-2's clock predicates (`bot/sla_risk.py`, the App Home's), waiting is
`bot/waiting.py`'s. A requester lists only the cases they asked for (PERM-2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, case, exists, func, select
from sqlalchemy.orm import Session, selectinload

from bot import sla, waiting
from bot.errors import UserFacingError
from bot.sla_risk import case_has, clock_at_risk, clock_breached
from bot.vocabulary import OPEN_STATES
from config.policy import Policy
from store.models import Case, CaseParty, PartyRole, SlaClock

PAGE_SIZE = 8
MAX_QUERY = 300  # characters of filter words carried on a page button
SCOPES: dict[str, str] = {
    "mine": "cases you coordinate",
    "group": "cases in one group: `group network`",
    "unassigned": "cases waiting in a queue for someone to take them",
    "at-risk": "cases with a clock at risk or missed",
    "breached": "cases with a clock past its target",
    "waiting": "cases waiting on the requester, clocks paused",
    "all": "every open case",
}
OPTIONS = ("service", "priority")
TITLES: dict[str, str] = {
    "mine": "Your open cases",
    "unassigned": "Untaken cases in the queues",
    "at-risk": "Open cases with a clock at risk",
    "breached": "Open cases with a missed clock",
    "waiting": "Open cases waiting on the requester",
    "all": "All open cases",
}


@dataclass(frozen=True, kw_only=True)
class ListQuery:
    """What `/case list` was asked, checked against the policy."""

    scope: str
    group: str | None = None
    service: str | None = None
    priority: str | None = None

    @property
    def words(self) -> str:
        """The query as the person would type it again (carried on the page buttons)."""
        parts = [self.scope] if self.group is None else ["group", self.group]
        if self.service:
            parts.append(f"service={self.service}")
        if self.priority:
            parts.append(f"priority={self.priority}")
        return " ".join(parts)


@dataclass(frozen=True, kw_only=True)
class NextClock:
    """The case's soonest unmet clock, from its row (the time `/case sla` shows)."""

    label: str
    due_at: datetime
    breached: bool
    at_risk: bool


@dataclass(frozen=True, kw_only=True)
class Page:
    """One page of cases, in the order the database gave them, and where it sits."""

    cases: list[Case]
    total: int
    page: int
    pages: int


def parse(policy: Policy, text: str, *, staff: bool) -> ListQuery:
    """The filter words, or a UserFacingError that says what is allowed."""
    words = text.split()
    if len(text) > MAX_QUERY:
        raise UserFacingError("That list query is too long; use one filter and its options.")
    if not staff:
        if words and [w.lower() for w in words] != ["mine"]:
            raise UserFacingError(
                "You can list the requests you made: `/case list` (or `/case list mine`). "
                "Other lists are for the desk's staff."
            )
        return ListQuery(scope="mine")
    scope, group, options = "", None, {}
    rest = iter(words)
    for word in rest:
        key, eq, value = word.partition("=")
        if eq:
            name = key.lower()
            if name not in OPTIONS:
                raise UserFacingError(
                    f"`{key}=` is not a list option; use `service=…` and `priority=…`."
                )
            if name in options:
                raise UserFacingError(f"Give `{name}=` once.")
            options[name] = value
        elif scope:
            raise UserFacingError(
                f"Give one filter: `{scope}` and `{word}` were both given. {allowed()}"
            )
        else:
            scope = word.lower()
            if scope == "group":
                group = _group(policy, next(rest, ""))
            elif scope not in SCOPES:
                raise UserFacingError(f"`{word}` is not a list filter. {allowed()}")
    return ListQuery(
        scope=scope or "mine",
        group=group,
        service=_service(policy, options["service"]) if "service" in options else None,
        priority=_priority(policy, options["priority"]) if "priority" in options else None,
    )


def allowed() -> str:
    return "Filters: " + "; ".join(f"`{name}` ({what})" for name, what in SCOPES.items()) + "."


def _group(policy: Policy, word: str) -> str:
    for key, group in policy.groups.items():
        if word.lower() in (key.lower(), group.name.lower()):
            return key
    known = ", ".join(f"`{key}` ({g.name})" for key, g in policy.groups.items())
    said = f"`{word}` is not a group" if word else "Name the group"
    raise UserFacingError(f"{said}: `/case list group network`. Groups: {known}.")


def _service(policy: Policy, word: str) -> str:
    for key, service in policy.services.items():
        if word.lower() in (key.lower(), service.name.lower()):
            return key
    known = ", ".join(f"`{key}`" for key in policy.services)
    raise UserFacingError(f"`{word}` is not a service in the catalog. Services: {known}.")


def _priority(policy: Policy, word: str) -> str:
    if word.upper() in policy.priorities:
        return word.upper()
    known = ", ".join(f"`{p}` ({label})" for p, label in policy.priorities.items())
    raise UserFacingError(f"`{word}` is not a priority. Priorities: {known}.")


def conditions(
    policy: Policy, query: ListQuery, *, viewer: str, staff: bool, now: datetime
) -> list[ColumnElement[bool]]:
    """The SQL that picks the query's open cases; a requester's own cases only (PERM-2)."""
    found: list[ColumnElement[bool]] = [Case.state.in_(OPEN_STATES)]
    if not staff:
        return [*found, Case.requester_id == viewer]
    scope = query.scope
    if scope == "mine":
        found.append(_coordinated_by(viewer))
    elif scope == "group":
        found.append(Case.group_key == query.group)
    elif scope == "unassigned":
        found.append(Case.state == "pending")
    elif scope == "at-risk":
        found.append(case_has(clock_at_risk(now=now, within=policy.at_risk_within)))
    elif scope == "breached":
        found.append(case_has(clock_breached()))
    elif scope == "waiting":
        found.append(waiting.is_waiting())
    if query.service:
        found.append(Case.service_key == query.service)
    if query.priority:
        found.append(Case.priority == query.priority)
    return found


def _coordinated_by(user: str) -> ColumnElement[bool]:
    return exists().where(
        CaseParty.case_id == Case.id,
        CaseParty.user_id == user,
        CaseParty.role == PartyRole.COORDINATOR,
        CaseParty.until.is_(None),
    )


def next_due() -> ScalarSelect[datetime | None]:
    """When the case's soonest unmet, running clock is due (NULL when none runs)."""
    return (
        select(func.min(SlaClock.due_at))
        .where(SlaClock.case_id == Case.id, SlaClock.met_at.is_(None))
        .correlate(Case)
        .scalar_subquery()
    )


def urgency_order(policy: Policy) -> list[Any]:
    """Most urgent first: priority (in the policy's order), then the soonest clock, clocks
    that run before cases with none, then the case number."""
    rank = case({p: i for i, p in enumerate(policy.priorities)}, value=Case.priority, else_=99)
    due = next_due()
    return [rank, due.is_(None), due, Case.number]


def read_page(
    session: Session,
    chosen: Sequence[ColumnElement[bool]],
    order: Sequence[Any],
    *,
    page: int,
    size: int = PAGE_SIZE,
) -> Page:
    """One page of the chosen cases, counted and paged by the database."""
    total = int(session.execute(select(func.count(Case.id)).where(*chosen)).scalar_one())
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    statement = (
        select(Case)
        .where(*chosen)
        .order_by(*order)
        .offset((page - 1) * size)
        .limit(size)
        .options(selectinload(Case.parties), selectinload(Case.clocks))
    )
    return Page(
        cases=list(session.execute(statement).scalars()), total=total, page=page, pages=pages
    )


def next_clocks(
    session: Session, policy: Policy, cases: Sequence[Case], *, now: datetime
) -> dict[int, NextClock]:
    """Each case's soonest unmet clock with a due time, marked at risk by SLA-2's own
    predicate (one query for the page)."""
    ids = [c.id for c in cases]
    risky = set(
        session.execute(
            select(SlaClock.id).where(
                SlaClock.case_id.in_(ids),
                clock_at_risk(now=now, within=policy.at_risk_within),
            )
        ).scalars()
    )
    found: dict[int, NextClock] = {}
    for row in cases:
        running = [c for c in row.clocks if c.met_at is None and c.due_at is not None]
        if not running:
            continue
        clock = min(running, key=lambda c: (c.due_at, c.id))
        assert clock.due_at is not None
        found[row.number] = NextClock(
            label=sla.METRIC_LABELS[clock.metric],
            due_at=clock.due_at,
            breached=clock.breached_at is not None,
            at_risk=clock.id in risky,
        )
    return found
