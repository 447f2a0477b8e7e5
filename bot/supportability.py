"""CLASSIFY-2 decisions on unsupported work: approve an override (temporary or lasting, with a
reason, by an override approver) or decline the case with the closure code that says why.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import notices as n
from bot import permissions, sla, status_updates
from bot.classification import override_key
from bot.errors import UserFacingError
from bot.notices import Notice
from bot.routing import route
from bot.states import check_transition
from bot.timeline import change_state, record_event
from bot.vocabulary import NEEDS_OVERRIDE
from config.policy import Policy
from store.models import Case, ServiceOverride


class DecisionRefused(UserFacingError):
    """The person may not decide, or there is nothing to decide; the message says which."""


def _check(policy: Policy, case: Case, actor: str, *, role: str, verb: str) -> None:
    permissions.require(
        actor, [permissions.role(policy, role)], to=f"{verb} work on an unsupported service"
    )
    if case.support_status not in NEEDS_OVERRIDE:
        raise DecisionRefused(
            f"{case.ref} does not need an override: its service is supported or already approved."
        )


def approve_override(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    reason: str,
    lasting: bool,
    now: datetime,
) -> list[Notice]:
    """Allow the work; a lasting override also covers later cases on the same service."""
    _check(policy, case, actor, role="override_approvers", verb="approve")
    if not reason.strip():
        raise DecisionRefused("Give the reason for the override: it goes on the record.")
    old = case.support_status
    case.support_status = "override_lasting" if lasting else "override_temporary"
    if lasting:
        session.add(
            ServiceOverride(
                service_key=override_key(case.service_key, case.service_name),
                service_name=case.service_name,
                approved_by=actor,
                reason=reason.strip(),
                created_at=now,
                case_id=case.id,
            )
        )
    record_event(
        case,
        at=now,
        actor=actor,
        kind="override",
        field="support_status",
        old=old,
        new=case.support_status,
        reason=reason.strip(),
    )
    case.updated_at = now
    notices = route(policy, case, actor=actor, at=now, reason="override approved")
    sla.refresh(session, policy, case, now=now)
    status_updates.schedule_reminder(session, policy, case, now=now)
    return [*notices, *n.refresh_cards(policy, case)]


def decline(
    session: Session, policy: Policy, case: Case, *, actor: str, reason: str, now: datetime
) -> list[Notice]:
    """Close the case as declined: unsupported work is not done, and the requester is told why."""
    permissions.require(
        actor,
        [permissions.role(policy, "service_desk"), permissions.role(policy, "override_approvers")],
        to=f"decline {case.ref} as unsupported",
    )
    if case.support_status not in NEEDS_OVERRIDE:
        raise DecisionRefused(
            f"{case.ref} is on a supported service; it cannot be declined as unsupported."
        )
    if not reason.strip():
        raise DecisionRefused("Give the reason for declining: the requester will read it.")
    check_transition(case.state, "closed")
    old = case.support_status
    case.support_status = "declined"
    case.closure_code, case.closed_at = "declined_unsupported", now
    record_event(
        case,
        at=now,
        actor=actor,
        kind="declined",
        field="support_status",
        old=old,
        new="declined",
        reason=reason.strip(),
    )
    change_state(case, new="closed", at=now, actor=actor, reason="declined as unsupported")
    case.updated_at = now
    sla.refresh(session, policy, case, now=now)
    status_updates.schedule_reminder(session, policy, case, now=now)
    return [
        *n.refresh_cards(policy, case),
        n.post(case.requester_id, "requester_declined", reason=reason.strip()),
    ]
