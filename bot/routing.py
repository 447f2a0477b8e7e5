"""Where a case goes once classified: ROUTE-1 (major: command center, case channel, broadcast)
or ROUTE-2 (the catalog's provider group queue), unless supportability holds it (CLASSIFY-2).
"""

from __future__ import annotations

from datetime import datetime

from bot import notices as n
from bot.notices import CASE_CHANNEL, Notice
from bot.states import check_transition
from bot.text import slug
from bot.timeline import add_party, change_state, record_event
from bot.vocabulary import NEEDS_OVERRIDE
from config.policy import Policy
from store.models import Case, PartyRole

CHANNEL_NAME_MAX = 80


def case_channel_name(case: Case, *, prefix: str = "case") -> str:
    """`case-<n>-<slug>`: a valid Slack channel name of at most 80 characters."""
    head = f"{prefix}-{case.number}"
    tail = slug(case.summary, limit=CHANNEL_NAME_MAX - len(head) - 1)
    return f"{head}-{tail}" if tail else head


def group_for(policy: Policy, case: Case) -> str:
    """The provider group that the catalog names for the case's service and category."""
    service = policy.services.get(case.service_key)
    if service is None:
        return policy.service_desk_group
    if case.support_status == "security_violation":
        return service.group_for("security")
    return service.group_for(case.category)


def route(policy: Policy, case: Case, *, actor: str, at: datetime, reason: str) -> list[Notice]:
    """Send the case where the process says and return the Slack effects that causes."""
    if case.support_status in NEEDS_OVERRIDE:
        return _hold_for_override(policy, case, actor=actor, at=at)
    if case.is_major:
        return route_major(policy, case, actor=actor, at=at, reason=reason)
    return to_queue(policy, case, group=group_for(policy, case), actor=actor, at=at, reason=reason)


def route_major(
    policy: Policy, case: Case, *, actor: str, at: datetime, reason: str
) -> list[Notice]:
    """ROUTE-1: warm handoff to the command center with a case channel and a broadcast."""
    group = policy.groups[policy.command_center_group]
    notices = to_queue(policy, case, group=group.key, actor=actor, at=at, reason=reason)
    first_time = not any(e.kind == "major" for e in case.events)
    recorder = case.reporter_id if policy.has_role(case.reporter_id, "service_desk") else None
    if recorder:
        add_party(case, user_id=recorder, role=PartyRole.INTERESTED, at=at)
    record_event(
        case,
        at=at,
        actor=actor,
        kind="major",
        new=case.priority,
        reason=f"{policy.major_reason(case.priority, case.service_key) or reason}: handed to "
        f"{policy.command_center_name}",
    )
    channel = []
    if first_time and case.channel_id is None:
        channel = [n.create_case_channel(case_channel_name(case))]
    invitees = {group.on_call, case.coordinator_id, *([recorder] if recorder else [])}
    return [
        *channel,
        n.invite(invitees),
        n.post(CASE_CHANNEL, "case_brief", key=n.brief_key(case)),
        n.pin(n.brief_key(case)),
        *notices,
        n.page(case, group.on_call, reason="major"),
        n.announce(policy, "broadcast_notice", "notice", key=n.broadcast_key(case))
        if first_time
        else n.post(policy.broadcast_channel, "broadcast_notice", key=n.broadcast_key(case)),
    ]


def to_queue(
    policy: Policy, case: Case, *, group: str, actor: str, at: datetime, reason: str
) -> list[Notice]:
    """ROUTE-2: pending in the group's queue, one card per case edited in place."""
    old = case.group_key
    if old != group:
        case.group_key = group
        record_event(
            case,
            at=at,
            actor=actor,
            kind="routed",
            field="group",
            old=old,
            new=group,
            reason=reason,
        )
    if case.state != "pending":
        check_transition(case.state, "pending")
        change_state(
            case,
            new="pending",
            at=at,
            actor=actor,
            reason=f"in the queue of {policy.groups[group].name}",
        )
    return [n.post(policy.groups[group].queue_channel, "queue_card", key=n.queue_key(case))]


def _hold_for_override(policy: Policy, case: Case, *, actor: str, at: datetime) -> list[Notice]:
    """CLASSIFY-2: unsupported work waits in the desk's queue for an override decision."""
    notices = to_queue(
        policy,
        case,
        group=policy.service_desk_group,
        actor=actor,
        at=at,
        reason="unsupported service: waiting for an override decision",
    )
    record_event(
        case,
        at=at,
        actor=actor,
        kind="unsupported",
        new=case.support_status,
        reason="the service is not supported; an override approver must decide",
    )
    return notices
