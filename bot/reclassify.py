"""CLASSIFY-4: a change of classification after intake, with its reason, recomputed priority,
notifications, and the major-incident path started at once when the priority becomes major.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot import major, permissions, sla, status_updates, validation
from bot import notices as n
from bot.classification import STATED_IMPACT, classify
from bot.errors import UserFacingError
from bot.intake import lasting_overrides
from bot.intake_fields import FieldError, check_classification
from bot.notices import CASE_CHANNEL, Notice
from bot.routing import group_for, route, route_major
from bot.timeline import record_event
from bot.vocabulary import NEEDS_OVERRIDE, UNKNOWN
from config.policy import Policy
from store.models import Case

CLASSIFICATION_FIELDS = ("service_key", "service_name", "request_type", "category", "urgency")


@dataclass(frozen=True, kw_only=True)
class Reclassification:
    """The new answers; None leaves a field as it is."""

    service: str | None = None
    service_name: str | None = None
    request_type: str | None = None
    category: str | None = None
    urgency: str | None = None
    impact_answers: dict[str, str] | None = None


class NothingChanged(UserFacingError):
    """The answers are the ones the case already has."""


class AnswersRefused(UserFacingError):
    """Answers the policy does not offer; `errors` says which, field by field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(" ".join(e.message for e in errors))
        self.errors = errors


def reclassify(
    session: Session,
    policy: Policy,
    case: Case,
    change: Reclassification,
    *,
    actor: str,
    reason: str,
    now: datetime,
) -> list[Notice]:
    """Apply the change; every altered field and the priority go on the timeline with `reason`."""
    permissions.require(actor, [permissions.staff(policy)], to=f"reclassify {case.ref}")
    if case.state == "closed":
        raise UserFacingError(
            f"{case.ref} is closed; reopen it before changing its classification."
        )
    errors = check_classification(
        policy,
        service=_or(change.service, case.service_key),
        service_name=_or(change.service_name, case.service_name),
        request_type=_or(change.request_type, case.request_type),
        category=_or(change.category, case.category),
        urgency=_or(change.urgency, case.urgency),
        impact_answers=change.impact_answers or {},
    )
    if errors:
        raise AnswersRefused(errors)
    old_priority, was_major, old_support = case.priority, case.is_major, case.support_status
    before = {name: str(getattr(case, name)) for name in CLASSIFICATION_FIELDS}
    before_answers = dict(case.impact_answers)
    _apply(case, change)
    service_changed = case.service_key != before["service_key"] or (
        case.service_name != before["service_name"]
    )
    klass = classify(
        policy,
        service_key=case.service_key,
        service_name=case.service_name,
        impact_answers=case.impact_answers,
        urgency=case.urgency,
        lasting_overrides=lasting_overrides(session),
        current_support=None if service_changed else case.support_status,
    )
    changed = [name for name in CLASSIFICATION_FIELDS if str(getattr(case, name)) != before[name]]
    if case.impact_answers != before_answers:
        changed.append("impact_answers")
    if not changed:
        confirm = " If it is right, press Confirm instead." if case.needs_validation else ""
        raise NothingChanged(
            f"{case.ref} already has that classification; nothing was changed.{confirm}"
        )
    for name in changed:
        old = before[name] if name != "impact_answers" else _answers(before_answers)
        new = (
            str(getattr(case, name)) if name != "impact_answers" else _answers(case.impact_answers)
        )
        record_event(
            case,
            at=now,
            actor=actor,
            kind="reclassified",
            field=name,
            old=old,
            new=new,
            reason=reason,
        )
    for name, value in (("impact", klass.impact), ("support_status", klass.support_status)):
        if getattr(case, name) != value:  # derived from the answers: on the timeline too
            record_event(
                case,
                at=now,
                actor=actor,
                kind="reclassified",
                field=name,
                old=str(getattr(case, name)),
                new=value,
                reason=reason,
            )
    case.impact, case.priority = klass.impact, klass.priority
    case.is_major = klass.is_major or major.meets_link_count(session, policy, case)  # WORK-6
    case.support_status = klass.support_status
    case.updated_at = now
    sla.refresh(session, policy, case, now=now)
    status_updates.schedule_reminder(session, policy, case, now=now)
    if case.priority != old_priority:
        record_event(
            case,
            at=now,
            actor=actor,
            kind="priority",
            field="priority",
            old=old_priority,
            new=case.priority,
            reason=reason,
        )
    validated = validation.corrected(case, actor=actor, at=now, reason=reason)  # INTAKE-5
    notices = _consequences(
        policy,
        case,
        actor=actor,
        now=now,
        reason=reason,
        old_priority=old_priority,
        was_major=was_major,
        old_support=old_support,
        changed=changed,
    )
    return validation.settle(case, notices) if validated else notices


def _apply(case: Case, change: Reclassification) -> None:
    if change.service is not None:
        case.service_key = change.service
        case.service_name = change.service_name or ""
    for name in ("request_type", "category", "urgency"):
        value = getattr(change, name)
        if value is not None:
            setattr(case, name, value)
    if change.impact_answers is not None:
        answers = {**case.impact_answers, **change.impact_answers}
        if any(v != UNKNOWN for k, v in change.impact_answers.items() if k != STATED_IMPACT):
            answers.pop(STATED_IMPACT, None)  # answered questions replace a stated impact
        case.impact_answers = answers


def _answers(answers: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(answers.items())) or UNKNOWN


def _consequences(
    policy: Policy,
    case: Case,
    *,
    actor: str,
    now: datetime,
    reason: str,
    old_priority: str,
    was_major: bool,
    old_support: str,
    changed: list[str],
) -> list[Notice]:
    """Who hears about it, and where the case goes now."""
    notices: list[Notice] = []
    if case.is_major and not was_major:
        notices += route_major(
            policy, case, actor=actor, at=now, reason=f"raised to {case.priority}: {reason}"
        )
    elif (
        (case.support_status in NEEDS_OVERRIDE and old_support not in NEEDS_OVERRIDE)
        or (old_support in NEEDS_OVERRIDE and case.support_status not in NEEDS_OVERRIDE)
        or (
            case.state == "pending"
            and not case.is_major
            and group_for(policy, case) != case.group_key
        )
    ):
        notices += route(policy, case, actor=actor, at=now, reason=f"reclassified: {reason}")
    notices += n.refresh_cards(policy, case)
    summary: dict[str, Any] = {
        "changed": changed,
        "old_priority": old_priority,
        "reason": reason,
        "actor": actor,
    }
    if case.coordinator_id != actor:
        notices.append(n.post(case.coordinator_id, "reclassified", **summary))
    if case.channel_id or case.is_major:
        notices.append(n.post(CASE_CHANNEL, "reclassified", **summary))
    if case.group_key != policy.service_desk_group:
        desk = policy.groups[policy.service_desk_group].queue_channel
        notices.append(n.post(desk, "reclassified", **summary))
    notices.append(n.post(case.requester_id, "requester_reclassified", **summary))
    return n.dedupe(notices)


def _or(new: str | None, current: str | None) -> str:
    return new if new is not None else (current or "")
