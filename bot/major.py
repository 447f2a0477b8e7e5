"""WORK-6: major incidents and the cases linked to them as children.

Many people report one outage. Their cases link to the one that is being worked (the parent):
each requester is told once that theirs is part of a wider incident, hears the parent's status
updates, and has their case closed with the parent's. Linking enough cases to one parent makes
it major (`major_incident.linked_cases`), with everything ROUTE-1 does for a major case.

Effects on a child go to the child's own outbox lane, in the same transaction as the parent's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import notices as n
from bot import permissions, sla, status_updates, timers, validation
from bot.errors import UserFacingError
from bot.notices import CASE_CHANNEL, Notice, enqueue
from bot.routing import route_major
from bot.timeline import change_state, record_event
from config.policy import Policy
from store.models import Case, PartyRole

REASON_MAX = 500


class LinkRefused(UserFacingError):
    """The link cannot be made or undone; the message says why and what to do instead."""


def children(session: Session, parent: Case) -> list[Case]:
    return list(
        session.execute(select(Case).where(Case.parent_id == parent.id).order_by(Case.number))
        .scalars()
        .all()
    )


def parent_of(session: Session, case: Case) -> Case | None:
    return session.get(Case, case.parent_id) if case.parent_id is not None else None


def meets_link_count(session: Session, policy: Policy, case: Case) -> bool:
    """Whether enough cases are linked to this one to make it major by themselves."""
    needed = policy.major_incident.linked_cases
    return needed is not None and len(children(session, case)) >= needed


def link(
    session: Session, policy: Policy, child: Case, parent: Case, *, actor: str, now: datetime
) -> list[Notice]:
    """Link `child` to `parent`; returns the parent's notices (the child's are enqueued)."""
    permissions.require(
        actor,
        [
            permissions.role(policy, "service_desk"),
            permissions.role(policy, "command_center"),
            permissions.coordinator(parent),
        ],
        to=f"link cases to {parent.ref}",
    )
    return attach(session, policy, child, parent, actor=actor, now=now)


def attach(
    session: Session,
    policy: Policy,
    child: Case,
    parent: Case,
    *,
    actor: str | None,
    now: datetime,
    reason: str | None = None,
) -> list[Notice]:
    """The link itself, once it is allowed: by a person (`link`), or by the desk (`actor`
    None: an alert storm, with `reason`). Returns the parent's notices."""
    _check_link(session, child, parent)
    child.parent_id = parent.id
    child.updated_at = parent.updated_at = now
    record_event(child, at=now, actor=actor, kind="linked_to_parent", new=parent.ref, reason=reason)
    record_event(parent, at=now, actor=actor, kind="child_linked", new=child.ref, reason=reason)
    child_notices = [n.post(child.requester_id, "requester_part_of_major", parent=parent.number)]
    if child.coordinator_id != actor and policy.is_staff(child.coordinator_id):
        child_notices.append(n.post(child.coordinator_id, "linked_to_parent", parent=parent.number))
    enqueue(session, now=now, case=child, notices=[*child_notices, *n.refresh_cards(policy, child)])
    notices: list[Notice] = []
    if parent.channel_id:
        notices.append(
            n.post(CASE_CHANNEL, "child_linked", child=child.number, by=actor, reason=reason)
        )
    if not parent.is_major and meets_link_count(session, policy, parent):
        count = len(children(session, parent))
        if validation.must_hold(parent):  # INTAKE-5: an unconfirmed alert case waits
            notices += validation.hold_for_links(policy, parent, linked=count, actor=actor, at=now)
            return n.dedupe([*notices, *n.refresh_cards(policy, parent)])
        parent.is_major = True
        notices += route_major(
            policy,
            parent,
            actor=actor or parent.coordinator_id,
            at=now,
            reason=f"{count} cases linked to it",
        )
        sla.refresh(session, policy, parent, now=now)
        status_updates.schedule_reminder(session, policy, parent, now=now)
    return n.dedupe([*notices, *n.refresh_cards(policy, parent)])


def unlink(
    session: Session, policy: Policy, child: Case, *, actor: str, reason: str, now: datetime
) -> list[Notice]:
    """Undo a link made in error: the child goes on as a case of its own."""
    parent = parent_of(session, child)
    if parent is None:
        raise LinkRefused(f"{child.ref} is not linked to another case.")
    permissions.require(
        actor,
        [
            permissions.role(policy, "service_desk"),
            permissions.role(policy, "command_center"),
            permissions.coordinator(parent),
        ],
        to=f"unlink {child.ref} from {parent.ref}",
    )
    reason = reason.strip()
    if not reason:
        raise LinkRefused(f"Say why {child.ref} is not part of {parent.ref}: it goes on both.")
    if len(reason) > REASON_MAX:
        raise LinkRefused(f"The reason is {len(reason)} characters; keep it to {REASON_MAX}.")
    child.parent_id = None
    child.updated_at = parent.updated_at = now
    record_event(
        child, at=now, actor=actor, kind="unlinked_from_parent", old=parent.ref, reason=reason
    )
    record_event(parent, at=now, actor=actor, kind="child_unlinked", old=child.ref, reason=reason)
    enqueue(
        session,
        now=now,
        case=child,
        notices=[
            n.post(child.requester_id, "requester_unlinked", parent=parent.number),
            *n.refresh_cards(policy, child),
        ],
    )
    return n.refresh_cards(policy, parent)


def _check_link(session: Session, child: Case, parent: Case) -> None:
    if child.id == parent.id:
        raise LinkRefused(f"{child.ref} cannot be linked to itself.")
    for case in (child, parent):
        if case.state == "closed":
            raise LinkRefused(f"{case.ref} is closed; only open cases are linked.")
    current = parent_of(session, child)
    if current is not None:
        raise LinkRefused(
            f"{child.ref} is already part of {current.ref}. Unlink it first "
            f"(`/case unlink {child.ref} <reason>`) if it belongs elsewhere."
        )
    grandparent = parent_of(session, parent)
    if grandparent is not None:
        raise LinkRefused(
            f"{parent.ref} is itself part of {grandparent.ref}: link {child.ref} to "
            f"{grandparent.ref} instead."
        )
    own = children(session, child)
    if own:
        raise LinkRefused(
            f"{child.ref} has {len(own)} case(s) linked to it. Link {parent.ref} to "
            f"{child.ref} instead, or unlink its cases first."
        )


# -- the parent's life reaches its children -----------------------------------------------------
def share_update(
    session: Session, parent: Case, *, event_id: int, actor: str, now: datetime
) -> int:
    """A status update on the parent reaches each open child's requester (unless they follow
    the parent already, and so have it); returns how many were told."""
    told = 0
    already = {
        parent.requester_id,
        *parent.active_parties(PartyRole.INTERESTED),
    }  # get it as followers
    for child in children(session, parent):
        if child.state == "closed":
            continue
        record_event(
            child,
            at=now,
            actor=actor,
            kind="parent_update",
            new=parent.ref,
            detail={"event": event_id},
        )
        child.updated_at = now
        if child.requester_id in already:
            continue
        enqueue(
            session,
            now=now,
            case=child,
            notices=[
                n.post(
                    child.requester_id,
                    "requester_parent_update",
                    parent=parent.number,
                    event=event_id,
                )
            ],
        )
        told += 1
    return told


def close_children(
    session: Session, policy: Policy, parent: Case, *, actor: str, now: datetime
) -> int:
    """The parent closed: every open child closes with it, on the parent's record, and its
    requester is told in their own words. Returns how many closed."""
    if parent.closure is None or parent.closure_code is None:
        return 0
    code = policy.closure_code(parent.closure_code)
    closed = 0
    for child in children(session, parent):
        if child.state == "closed":
            continue
        timers.cancel(session, f"verify:{child.id}", now=now)
        if code is not None and code.resolved:
            sla.meet(session, policy, child, "resolution", now=now)
        child.closure = replace(
            parent.closure, by=actor, awaiting_approval=False, with_parent=parent.ref
        )
        child.closure_code, child.closed_at = parent.closure_code, now
        child.first_contact_resolution = False
        change_state(child, new="closed", at=now, actor=actor, reason=f"closed with {parent.ref}")
        record_event(
            child,
            at=now,
            actor=actor,
            kind="closed",
            field="closure_code",
            new=parent.closure_code,
            reason=f"closed with {parent.ref}",
            detail={
                **parent.closure.answers(),
                "parent": parent.ref,
                "first_contact_resolution": False,
            },
        )
        sla.refresh(session, policy, child, now=now)
        status_updates.schedule_reminder(session, policy, child, now=now)
        child.updated_at = now
        followers = set(child.active_parties(PartyRole.INTERESTED)) - {actor, child.requester_id}
        enqueue(
            session,
            now=now,
            case=child,
            notices=[
                n.post(child.requester_id, "requester_closed_with_parent", parent=parent.number),
                *(n.post(u, "case_closed", by=actor) for u in sorted(followers)),
                *n.refresh_cards(policy, child),
            ],
        )
        closed += 1
    return closed
