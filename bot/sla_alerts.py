"""SLA-2's warning reaches people who can act on it. Once a resolver works the case, its
coordinator hears (or the group's on-call, outside the group's hours or when the coordinator is
away). While the case still waits in a queue, its coordinator is usually the service-desk
technician who recorded it and cannot take it: they get the warning with a button that pages
the queue group's on-call through ROUTE-5's call tree, and that on-call gets it too, with Take it.
Both messages are keyed, so a page or a take edits them in place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import consult
from bot import notices as n
from bot.business_time import is_open
from bot.errors import UserFacingError
from bot.notices import Notice
from bot.sla import METRIC_LABELS
from bot.vocabulary import NEEDS_OVERRIDE
from config.policy import Policy
from store.models import Case, Consult, SlaClock

TEMPLATE = "sla_warning"


def warning_key(clock_id: object, person: str) -> str:
    """One keyed warning per clock and person, so it can be edited in place."""
    return f"sla_warning:{clock_id}:{person}"


def unclaimed(policy: Policy, case: Case) -> bool:
    """No resolver has taken the case: it waits in a group's queue, ready to be taken (a case
    waiting for an override decision cannot be taken yet)."""
    return (
        case.state == "pending"
        and (case.group_key or "") in policy.groups
        and case.support_status not in NEEDS_OVERRIDE
    )


def warning_notices(
    policy: Policy, case: Case, clock: SlaClock, *, now: datetime, late: bool
) -> tuple[list[Notice], dict[str, Any]]:
    """The warning's messages, and what the timeline keeps of them (who was warned, and
    whether the case was unclaimed, so a take or a page can edit them in place)."""
    group = policy.groups.get(case.group_key or "")
    if group is None or not unclaimed(policy, case):
        target = _coordinator_or_on_call(policy, case, now)
        people = target.removeprefix(n.AVAILABLE).split(":")
        notice = n.post(target, TEMPLATE, clock=clock.id, late=late)
        return [notice], {"clock": clock.id, "to": people, "unclaimed": False}
    # The coordinator may page the on-call; the on-call may take it (one warning if the same).
    asks = {case.coordinator_id: {"page": True}, group.on_call: {"take": True}}
    notices = [
        n.post(
            person,
            TEMPLATE,
            key=warning_key(clock.id, person),
            clock=clock.id,
            late=late,
            group=group.key,
            **ask,
        )
        for person, ask in asks.items()
    ]
    people = list(dict.fromkeys([case.coordinator_id, group.on_call]))
    detail = {
        "clock": clock.id,
        "to": people,
        "unclaimed": True,
        "on_call": group.on_call,
        "group": group.key,
    }
    return notices, detail


def refresh_warnings(case: Case) -> list[Notice]:
    """Re-render, in place, the warnings sent while the case was unclaimed: after a take, a page
    or a move to another queue, their buttons give way to what happened."""
    notices = []
    for event in case.events:
        detail = event.detail or {}
        if event.kind != "sla_warning" or not detail.get("unclaimed"):
            continue
        for person in detail.get("to", []):
            notices.append(
                n.post(
                    person,
                    TEMPLATE,
                    key=warning_key(detail.get("clock"), person),
                    clock=detail.get("clock"),
                    late=bool(detail.get("late")),
                    group=detail.get("group"),
                    **{"take" if person == detail.get("on_call") else "page": True},
                )
            )
    return notices


def page_on_call(
    session: Session, policy: Policy, case: Case, *, actor: str, now: datetime
) -> list[Notice]:
    """The warning's "Page the group's on-call": step 1 of the queue group's call tree."""
    if case.state != "pending":
        raise UserFacingError(
            f"{case.ref} is no longer waiting to be taken (it is "
            f"{case.state.replace('_', ' ')}; {_mention(case.coordinator_id)} coordinates it), "
            "so nobody needs paging."
        )
    if not unclaimed(policy, case):
        raise UserFacingError(
            f"{case.ref} waits for an override decision, not for someone to take it: an override "
            "approver decides first."
        )
    group = policy.groups[case.group_key or ""]
    paged = on_call_page(session, case)
    if paged is not None:
        raise UserFacingError(
            f"{_mention(paged.paged_user)}, the on-call of {group.name}, was already paged about "
            f"{case.ref}. The next step of the call tree is the supervisor: "
            f"`/case consult {case.ref} {group.key} supervisor`."
        )
    at_risk = [c for c in case.clocks if c.warned_at is not None and c.met_at is None]
    what = ", ".join(METRIC_LABELS[c.metric].lower() for c in at_risk) or "its SLA"
    question = (
        f"{case.ref} is waiting in the {group.name} queue and its {what} target is at risk. "
        "Please take it."
    )
    notices = consult.consult(
        session,
        policy,
        case,
        actor=actor,
        group_key=group.key,
        via="oncall",
        question=question,
        now=now,
    )
    return [*notices, *refresh_warnings(case)]


def _coordinator_or_on_call(policy: Policy, case: Case, now: datetime) -> str:
    """The coordinator, unless outside the group's hours (then the on-call); Slack presence is
    checked at delivery (notices.available)."""
    group = policy.groups.get(case.group_key or "")
    if group is None:
        return case.coordinator_id
    calendar = policy.calendars[group.calendar or policy.default_calendar]
    if not is_open(calendar, now):
        return group.on_call
    return n.available(case.coordinator_id, group.on_call)


def on_call_page(session: Session, case: Case) -> Consult | None:
    """The latest page of the queue group's on-call about this case (ROUTE-5), if any."""
    return session.execute(
        select(Consult)
        .where(
            Consult.case_id == case.id,
            Consult.group_key == (case.group_key or ""),
            Consult.via == "oncall",
        )
        .order_by(Consult.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _mention(user_id: str) -> str:
    return f"<@{user_id}>"
