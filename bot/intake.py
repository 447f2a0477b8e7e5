"""Recording a contact (INTAKE-1..4): duplicates first, then one case, classified and routed.

All of it happens in the caller's transaction: the case, its number, its timeline, its parties
and the outbox rows either all commit or none do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from bot import notices as n
from bot import sla, status_updates, validation
from bot.classification import classify
from bot.intake_fields import IntakeFields
from bot.notices import Notice
from bot.timeline import add_party, record_event
from bot.vocabulary import CONTACT_CHANNELS, NOT_IN_CATALOG, OPEN_STATES, UNKNOWN, label
from config.policy import Policy
from kb.similarity import best_matches
from store.models import Case, CaseState, PartyRole, ServiceOverride
from store.numbers import next_case_number

SIMILAR_LIMIT = 5
SIMILAR_SCAN = 500
# INTAKE-4: a case recorded on the same service this recently may be the same outage, whatever
# its words; an open major incident on the service is one whatever its age.
SAME_SERVICE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class CaseBrief:
    """An open case as the duplicate hold lists it: enough to recognise it and link to it."""

    number: int
    summary: str
    state: str
    priority: str
    is_major: bool
    created_at: datetime

    @property
    def ref(self) -> str:
        return f"CASE-{self.number}"


@dataclass(frozen=True)
class Duplicates:
    """INTAKE-4: what the desk should see before recording another case."""

    requester_open: list[CaseBrief]
    similar: list[tuple[CaseBrief, float]]
    same_service: list[CaseBrief]

    def __bool__(self) -> bool:
        return bool(self.requester_open or self.similar or self.same_service)


_BRIEF = (
    Case.id,
    Case.number,
    Case.summary,
    Case.state,
    Case.priority,
    Case.requester_id,
    Case.is_major,
    Case.created_at,
)
# Built once (this runs on every contact): the newest open cases, and a requester's.
_OPEN = select(*_BRIEF).where(Case.state.in_(OPEN_STATES)).order_by(Case.id.desc())
_OPEN_RECENT = _OPEN.limit(SIMILAR_SCAN)
_OPEN_OF_REQUESTER = _OPEN.where(Case.requester_id == bindparam("requester")).limit(SIMILAR_LIMIT)
_ON_SERVICE = (
    select(*_BRIEF)
    .where(
        Case.state.in_(OPEN_STATES),
        Case.service_key == bindparam("service"),
        or_(Case.is_major.is_(True), Case.created_at >= bindparam("since")),
    )
    .order_by(Case.is_major.desc(), Case.id.desc())
)
_ON_NAMED_SERVICE = _ON_SERVICE.where(func.lower(Case.service_name) == bindparam("name"))


def find_duplicates(session: Session, fields: IntakeFields, *, now: datetime) -> Duplicates:
    """The requester's open cases, open cases whose summary reads like this one, and open cases
    on the same service that are major incidents or were recorded within SAME_SERVICE_WINDOW.
    Plain columns, not whole cases, and few queries: this runs on every contact, ahead of its
    answer."""
    recent = {row.id: row for row in session.execute(_OPEN_RECENT)}
    if len(recent) < SIMILAR_SCAN:  # every open case is here, the requester's among them
        mine = [row for row in recent.values() if row.requester_id == fields.requester_id]
        mine = mine[:SIMILAR_LIMIT]
    else:
        mine = list(session.execute(_OPEN_OF_REQUESTER, {"requester": fields.requester_id}))
    mine_ids = {row.id for row in mine}
    matches = best_matches(
        fields.summary,
        [(key, row.summary) for key, row in recent.items() if key not in mine_ids],
        limit=SIMILAR_LIMIT,
    )
    shown = mine_ids | {m.key for m in matches}
    return Duplicates(
        requester_open=[_brief(row) for row in mine],
        similar=[(_brief(recent[m.key]), m.score) for m in matches],
        same_service=[
            _brief(row) for row in _on_same_service(session, fields, now) if row.id not in shown
        ][:SIMILAR_LIMIT],
    )


def _on_same_service(session: Session, fields: IntakeFields, now: datetime) -> list[Any]:
    """Open major incidents and last-hour cases on the contact's service. "I don't know" names
    no service; a service outside the catalog matches cases that named it the same way."""
    if fields.service == UNKNOWN:
        return []
    params: dict[str, Any] = {"service": fields.service, "since": now - SAME_SERVICE_WINDOW}
    query = _ON_SERVICE
    if fields.service == NOT_IN_CATALOG:
        name = fields.service_name.strip().lower()
        if not name:
            return []
        query, params["name"] = _ON_NAMED_SERVICE, name
    return list(session.execute(query.limit(SIMILAR_LIMIT * 3), params))


def _brief(row: Any) -> CaseBrief:  # a Row of _BRIEF (Row's type arguments differ by release)
    return CaseBrief(
        number=row.number,
        summary=row.summary,
        state=row.state,
        priority=row.priority,
        is_major=bool(row.is_major),
        created_at=row.created_at,
    )


def lasting_overrides(session: Session) -> set[str]:
    return set(session.execute(select(ServiceOverride.service_key)).scalars())


def initial_coordinator(policy: Policy, fields: IntakeFields) -> str:
    """The desk owns every case from the start: the recording technician, or the desk's on-call
    when a requester opened it themselves. Never nobody."""
    if policy.has_role(fields.reporter_id, "service_desk") or policy.has_role(
        fields.reporter_id, "command_center"
    ):
        return fields.reporter_id
    return policy.groups[policy.service_desk_group].on_call


def record_case(
    session: Session, policy: Policy, fields: IntakeFields, *, now: datetime
) -> tuple[Case, list[Notice]]:
    """Record, classify and route one case; the fields must have passed check_fields."""
    klass = classify(
        policy,
        service_key=fields.service,
        service_name=fields.service_name,
        impact_answers=fields.impact_answers,
        urgency=fields.urgency,
        lasting_overrides=lasting_overrides(session),
    )
    case = Case(
        number=next_case_number(session, start=policy.case_number_start),
        state=CaseState.NEW,
        summary=fields.summary.strip(),
        description=fields.description.strip(),
        requester_id=fields.requester_id,
        reporter_id=fields.reporter_id,
        contact_phone=fields.contact_phone.strip(),
        contact_email=fields.contact_email.strip(),
        contact_location=fields.contact_location.strip(),
        contact_notes=fields.contact_notes.strip(),
        first_contact_at=now,
        contact_channel=fields.contact_channel,
        service_key=fields.service,
        service_name=fields.service_name.strip(),
        support_status=klass.support_status,
        request_type=fields.request_type,
        category=fields.category,
        impact_answers=dict(fields.impact_answers),
        impact=klass.impact,
        urgency=fields.urgency,
        priority=klass.priority,
        is_major=klass.is_major,
        failure_looks_like=fields.failure_looks_like.strip(),
        success_looks_like=fields.success_looks_like.strip(),
        steps_to_reproduce=fields.steps_to_reproduce.strip(),
        evidence=fields.evidence.strip(),
        recent_change=fields.recent_change,
        recent_change_details=fields.recent_change_details.strip(),
        source_channel=fields.source_channel,
        source_ts=fields.source_ts,
        source_permalink=fields.source_permalink,
        created_at=now,
        updated_at=now,
        clocks=[],  # a new case has none: SLA-1's clocks are added without loading any
    )
    session.add(case)
    coordinator = initial_coordinator(policy, fields)
    add_party(case, user_id=fields.requester_id, role=PartyRole.REQUESTER, at=now)
    add_party(case, user_id=fields.reporter_id, role=PartyRole.REPORTER, at=now)
    add_party(case, user_id=coordinator, role=PartyRole.COORDINATOR, at=now)
    record_event(
        case,
        at=now,
        actor=fields.reporter_id,
        kind="recorded",
        new=f"CASE-{case.number}",
        reason=f"contact by {label(CONTACT_CHANNELS, fields.contact_channel)}",
        detail={"unknown_answers": fields.unknown_count(policy)},
    )
    record_event(
        case,
        at=now,
        actor=None,
        kind="classified",
        new=klass.priority,
        detail={
            "impact": klass.impact,
            "urgency": fields.urgency,
            "support_status": klass.support_status,
        },
    )
    validation.flag_at_intake(policy, case, actor=fields.reporter_id, at=now)  # INTAKE-5
    session.flush()
    notices = validation.route_new(policy, case, actor=fields.reporter_id, at=now)
    sla.start(session, policy, case, now=now)
    status_updates.schedule_reminder(session, policy, case, now=now, fresh=True)
    notices.append(n.post(case.requester_id, "requester_ack"))
    return case, notices


def link_contact(
    policy: Policy, case: Case, fields: IntakeFields, *, now: datetime
) -> list[Notice]:
    """INTAKE-4: a repeat contact joins the existing case instead of duplicating it."""
    record_event(
        case,
        at=now,
        actor=fields.reporter_id,
        kind="linked_contact",
        new=fields.requester_id,
        reason=fields.summary.strip(),
        detail={
            "description": fields.description.strip()[:1000],
            "contact_channel": fields.contact_channel,
        },
    )
    added = [
        user
        for user in {fields.requester_id, fields.reporter_id}
        if user != case.requester_id
        and add_party(case, user_id=user, role=PartyRole.INTERESTED, at=now)
    ]
    case.updated_at = now
    result = [
        n.post(
            case.coordinator_id,
            "contact_linked",
            requester=fields.requester_id,
            summary=fields.summary.strip(),
        )
    ]
    result += n.refresh_cards(policy, case)
    if fields.requester_id in added:
        result.append(n.post(fields.requester_id, "requester_linked"))
    return result
