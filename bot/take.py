"""ROUTE-2's "Take it": a member of the case's group takes it from the queue and owns it.

Exactly one person wins when two click at once: the state check runs inside the transaction and
the case row's version column rejects the slower write.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import command_center_test, consult, estimates, sla, sla_alerts, validation
from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import CASE_CHANNEL, Notice
from bot.states import check_transition
from bot.timeline import change_coordinator, change_state, record_event
from config.policy import Policy
from store.models import Case


class TakeRefused(UserFacingError):
    """The person may not take this case now; the message says why and what to do."""


def may_take(policy: Policy, case: Case, user_id: str) -> bool:
    group = policy.groups.get(case.group_key or "")
    if group is None:
        return False
    if user_id in policy.members_of(group) or user_id == group.supervisor:
        return True
    return group.key == policy.command_center_group and policy.has_role(user_id, "command_center")


def check_takeable(policy: Policy, case: Case, actor: str) -> None:
    """Raise TakeRefused, saying why, unless `actor` may take the case as it is now. Also asked
    before the write, so a double click is refused without queueing for the writer."""
    group = policy.groups.get(case.group_key or "")
    if case.state != "pending":
        if case.state in ("assigned", "in_progress"):
            raise TakeRefused(f"{case.ref} is already taken: <@{case.coordinator_id}> has it.")
        check_transition(case.state, "assigned")
    if group is None:
        raise TakeRefused(f"{case.ref} is not in a queue yet, so it cannot be taken.")
    if validation.held_for_major(policy, case):  # INTAKE-5: the major path starts first
        raise TakeRefused(
            f"{case.ref} needs validation first: {validation.claim(policy, case)}. Press Confirm "
            "to open its case channel and send the broadcast, or Correct classification."
        )
    if not may_take(policy, case, actor):
        raise TakeRefused(
            f"Only members of {group.name} can take {case.ref}. Ask its supervisor "
            f"<@{group.supervisor}> if it should be yours."
        )


def take(
    session: Session, policy: Policy, case: Case, *, actor: str, now: datetime
) -> list[Notice]:
    """Make `actor` the coordinator and move the case to assigned."""
    check_takeable(policy, case, actor)
    group = policy.groups[case.group_key or ""]
    change_coordinator(
        case, new=actor, at=now, actor=actor, reason=f"taken from the {group.name} queue"
    )
    change_state(case, new="assigned", at=now, actor=actor, reason="taken from the queue")
    record_event(case, at=now, actor=actor, kind="taken", new=actor, reason=group.name)
    sla.meet(session, policy, case, "first_response", now=now)
    estimates.expect_estimate(session, policy, case, now=now)
    case.updated_at = now
    notices = [
        *n.refresh_cards(policy, case),
        *n.refresh_pages(session, case),
        *consult.refresh_pages(session, case),
        *sla_alerts.refresh_warnings(case),
    ]
    if case.channel_id or case.is_major:
        notices.insert(0, n.invite([actor]))
        notices.append(n.post(CASE_CHANNEL, "taken", taker=actor))
    notices.append(n.post(case.requester_id, "requester_taken", taker=actor))
    return notices + command_center_test.ask(session, policy, case, now=now, actor=actor)
