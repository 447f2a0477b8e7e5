"""ROUTE-4 and ROUTE-7: moving a case to another provider group, by the catalog's routes.

Escalate means more expertise (a higher tier); transfer means another focus area at the same
tier. Both need a reason and are counted apart. The coordinator stays until someone in the new
group takes the case, so ownership never has a gap; the requester hears that the case moved and
that a new estimate follows (the desk realigns expectations). Return to owner (001) sends a case
back to the group it came from, with the standard note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot import estimates, permissions, sla, sla_alerts
from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import CASE_CHANNEL, Notice
from bot.routing import to_queue
from bot.states import check_transition
from bot.timeline import change_coordinator, change_state, record_event
from config.policy import Group, Policy
from store.models import Case

ESCALATE, TRANSFER = "escalate", "transfer"
EVENT_KIND = {ESCALATE: "escalated", TRANSFER: "transferred"}
REASON_MAX = 1000
RETURN_NOTE = (
    "Returned to owner: please follow up with the customer, resolve or escalate, and keep the "
    "record clear and the classification accurate."
)


class ReassignRefused(UserFacingError):
    """The move is not allowed as asked; the message says why and what to do instead."""


@dataclass(frozen=True, kw_only=True)
class Route:
    """Where a case may go from its group: the catalog's routes, and every other group."""

    listed: tuple[Group, ...]
    others: tuple[Group, ...]


def routes(policy: Policy, case: Case, how: str) -> Route:
    """The targets for `how`, the catalog's documented ones first (for the modal's list)."""
    current = policy.groups.get(case.group_key or "")
    listed = [policy.groups[k] for k in _listed_keys(policy, case, how) if k in policy.groups]
    fitting = [
        g
        for g in policy.groups.values()
        if current is None
        or (g.key != current.key and _fits_tier(how, current, g) and g not in listed)
    ]
    return Route(listed=tuple(listed), others=tuple(fitting))


def reassign(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    how: str,
    to_group: str,
    reason: str,
    actor: str,
    now: datetime,
) -> list[Notice]:
    """Escalate or transfer: checks first, then the move, its count and who hears of it."""
    verb = "escalate" if how == ESCALATE else "transfer"
    if case.state == "closed":
        raise ReassignRefused(f"{case.ref} is closed; it cannot be {verb}d.")
    permissions.require(actor, permissions.may_reassign(policy, case), to=f"{verb} {case.ref}")
    reason = reason.strip()
    if not reason:
        raise ReassignRefused(
            f"Give a reason: `/case {verb} {case.ref} <group> <why>`. It goes on the timeline "
            "and tells the next group what is needed."
        )
    if len(reason) > REASON_MAX:
        raise ReassignRefused(f"The reason is {len(reason)} characters; keep it to {REASON_MAX}.")
    target = policy.groups.get(to_group)
    if target is None:
        raise ReassignRefused(
            f"There is no group {to_group!r}. Groups: {', '.join(sorted(policy.groups))}."
        )
    current = policy.groups.get(case.group_key or "")
    if current is None:
        raise ReassignRefused(f"{case.ref} is not in a group's queue yet; route it first.")
    if target.key == current.key:
        raise ReassignRefused(f"{case.ref} is already with {current.name}.")
    _check_tier(how, current, target)
    if case.state != "pending":
        check_transition(case.state, "pending")  # a proposed fix waits on its coordinator
    listed = target.key in _listed_keys(policy, case, how)
    if not listed:
        _require_override(policy, case, how, current, target, actor)
    old_coordinator = case.coordinator_id
    case.group_key = target.key
    case.reassignments += 1
    if how == ESCALATE:
        case.escalations += 1
    else:
        case.transfers += 1
    detail: dict[str, Any] = {
        "tiers": [current.tier, target.tier],
        "coordinator": old_coordinator,
        "listed": listed,
    }
    if not listed:
        detail["unlisted_route_approved_by"] = actor
    record_event(
        case,
        at=now,
        actor=actor,
        kind=EVENT_KIND[how],
        field="group",
        old=current.key,
        new=target.key,
        reason=reason if listed else f"{reason} (unlisted route approved by <@{actor}>)",
        detail=detail,
    )
    estimates.clear(case, actor=actor, now=now, reason=f"{verb}d to {target.name}")
    notices = to_queue(policy, case, group=target.key, actor=actor, at=now, reason=reason)
    sla.refresh(session, policy, case, now=now)
    case.updated_at = now
    return n.dedupe(
        [*notices, *_tell(policy, case, how=how, actor=actor, reason=reason, target=target)]
    )


def return_to_owner(
    session: Session, policy: Policy, case: Case, *, note: str, actor: str, now: datetime
) -> list[Notice]:
    """ROUTE-7: back to the group (and coordinator) the case came from, with the standard note."""
    if case.state == "closed":
        raise ReassignRefused(f"{case.ref} is closed; there is nothing to return.")
    permissions.require(
        actor,
        [permissions.group_members(policy, case.group_key)],
        to=f"return {case.ref} to its owner",
    )
    came = next(
        (
            e
            for e in reversed(case.events)
            if e.kind in EVENT_KIND.values() and e.new_value == case.group_key
        ),
        None,
    )
    if came is None or came.old_value not in policy.groups:
        here = policy.groups[case.group_key].name if case.group_key else "its group"
        raise ReassignRefused(
            f"{case.ref} was not escalated or transferred to {here}, so it has no owner to "
            "return to. Escalate or transfer it instead."
        )
    note = note.strip()
    if len(note) > REASON_MAX:
        raise ReassignRefused(f"The note is {len(note)} characters; keep it to {REASON_MAX}.")
    owner_group = policy.groups[came.old_value]
    owner = str(came.detail.get("coordinator") or case.coordinator_id)
    from_group = policy.groups[case.group_key or ""]
    case.group_key = owner_group.key
    case.reassignments += 1
    text = f"{RETURN_NOTE} {note}".strip() if note else RETURN_NOTE
    record_event(
        case,
        at=now,
        actor=actor,
        kind="returned",
        field="group",
        old=from_group.key,
        new=owner_group.key,
        reason=text,
        detail={"owner": owner},
    )
    if case.coordinator_id != owner:
        change_coordinator(case, new=owner, at=now, actor=actor, reason="returned to owner")
    if case.state == "pending":
        change_state(case, new="assigned", at=now, actor=actor, reason="returned to its owner")
    sla.refresh(session, policy, case, now=now)
    case.updated_at = now
    notices = [
        n.post(owner, "returned_to_owner", actor=actor, note=text, group=from_group.key),
        *n.refresh_cards(policy, case),
    ]
    if case.channel_id:
        notices.append(
            n.post(CASE_CHANNEL, "returned_to_owner", actor=actor, note=text, group=from_group.key)
        )
    return notices


def _listed_keys(policy: Policy, case: Case, how: str) -> tuple[str, ...]:
    service = policy.services.get(case.service_key)
    if service is None:
        return ()
    if how == ESCALATE:
        return service.escalation_routes.get(case.group_key or "", ())
    current = policy.groups.get(case.group_key or "")
    named = dict.fromkeys(service.groups.values())
    return tuple(
        key
        for key in named
        if key in policy.groups
        and key != case.group_key
        and (current is None or _fits_tier(TRANSFER, current, policy.groups[key]))
    )


def _fits_tier(how: str, current: Group, target: Group) -> bool:
    return target.tier > current.tier if how == ESCALATE else target.tier == current.tier


def _check_tier(how: str, current: Group, target: Group) -> None:
    if _fits_tier(how, current, target):
        return
    where = f"{target.name} is tier {target.tier} and {current.name} tier {current.tier}"
    if how == ESCALATE:
        advice = (
            "Escalation goes to a higher tier; for another focus area at the same tier use "
            "`/case transfer`."
            if target.tier == current.tier
            else "Escalation goes to a higher tier; to send it back use `/case return`."
        )
    else:
        advice = (
            "A transfer stays at the same tier; for more expertise use `/case escalate`."
            if target.tier > current.tier
            else "A transfer stays at the same tier; to send it back use `/case return`."
        )
    raise ReassignRefused(f"{where}. {advice}")


def _require_override(
    policy: Policy, case: Case, how: str, current: Group, target: Group, actor: str
) -> None:
    documented = _listed_keys(policy, case, how)
    known = ", ".join(policy.groups[k].name for k in documented) or "none"
    try:
        permissions.require(
            actor,
            [permissions.role(policy, "override_approvers")],
            to=f"{how} {case.ref} from {current.name} to {target.name}",
        )
    except permissions.NotAllowed as refused:
        raise ReassignRefused(
            f"{current.name} → {target.name} is not a documented {how} route for "
            f"{case.service_name or case.service_key} (documented: {known}). {refused}"
        ) from None


def _tell(
    policy: Policy, case: Case, *, how: str, actor: str, reason: str, target: Group
) -> list[Notice]:
    """The coordinator, the case channel and the requester (in customer words) hear of it."""
    params = {"how": how, "actor": actor, "reason": reason}
    notices: list[Notice] = []
    if case.coordinator_id != actor:
        notices.append(n.post(case.coordinator_id, "reassigned", **params))
    if case.channel_id or case.is_major:
        notices.append(n.post(CASE_CHANNEL, "reassigned", **params))
        notices.append(n.invite([target.on_call]))
        notices.append(n.page(case, target.on_call, reason=how))
    notices.append(n.post(case.requester_id, "requester_reassigned", how=how))
    return [*notices, *n.refresh_cards(policy, case), *sla_alerts.refresh_warnings(case)]
