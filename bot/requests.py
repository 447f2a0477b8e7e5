"""WORK-5: requests that are not incidents.

- Information: the desk answers with knowledge-base links (never pasted copies) and the
  requester confirms receipt; confirmation closes the case.
- Service fulfillment: the catalog item's procedure applies: its prerequisites are checked off,
  a manager authorises it where the catalog says so, and the requester gets the item's estimate.
  Nobody proposes a resolution before the procedure is complete.
- New service: a request for change (RFC) goes to the change queue; or, when the catalog has a
  standard-change template the desk may implement, a standard change the desk carries out.

What was applied lives in `case.request`; every step is on the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import estimates, permissions
from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import CASE_CHANNEL, Notice
from bot.states import check_transition
from bot.timeline import change_state, record_event
from bot.vocabulary import REQUEST_TYPES
from config.policy import CatalogItem, Policy
from store.models import Approval, Case, CatalogRequest, Resolution, Rfc, RfcState

MAX_ARTICLES = 5
REASON_MAX = 500
NOT_ANSWERED = "The articles sent did not answer my question."


class RequestRefused(UserFacingError):
    """The request step is not allowed now or its input is wrong; the message says why."""


@dataclass(frozen=True, kw_only=True)
class ArticleLink:
    id: str
    title: str
    url: str


# -- information ---------------------------------------------------------------------------------
def send_information(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    articles: list[ArticleLink],
    now: datetime,
) -> list[Notice]:
    """The answer is a set of article links; the requester is asked to confirm receipt."""
    permissions.require(
        actor, permissions.may_speak_for_desk(policy, case), to=f"answer {case.ref}"
    )
    if case.request_type != "information":
        raise RequestRefused(
            f"{case.ref} is not an information request (it is {case.request_type.replace('_', ' ')}"
            "). Reclassify it first, or send an article from its suggestions."
        )
    if not articles:
        raise RequestRefused(f"Name the articles that answer it: `/case answer {case.ref} KB-12`.")
    if len(articles) > MAX_ARTICLES:
        raise RequestRefused(f"Send at most {MAX_ARTICLES} articles; pick the ones that answer it.")
    if case.state not in ("pending", "assigned", "in_progress", "reopened"):
        raise RequestRefused(
            f"{case.ref} is {case.state.replace('_', ' ')}; it takes no answer now."
        )
    ids = [a.id for a in articles]
    if case.state == "reopened":
        change_state(case, new="in_progress", at=now, actor=actor, reason="answering again")
    check_transition(case.state, "waiting_on_coordinator")
    case.resolution = Resolution(
        done="Sent the knowledge-base articles that answer the question: " + ", ".join(ids),
        fix="fix",
        articles=tuple(ids),
        by=actor,
        at=now,
    )
    case.resolved_by = actor
    change_state(case, new="waiting_on_coordinator", at=now, actor=actor, reason="answer sent")
    change_state(case, new="resolved", at=now, actor=actor, reason="asked to confirm receipt")
    record_event(
        case,
        at=now,
        actor=actor,
        kind="information_sent",
        new=", ".join(ids),
        detail={"articles": [a.__dict__ for a in articles]},
    )
    record_event(case, at=now, actor=actor, kind="verification_asked", new=case.requester_id)
    estimates.note_contact(case, now=now)
    case.updated_at = now
    return [
        n.post(
            case.requester_id,
            "information_answer",
            key=f"information:{case.id}",
            articles=[a.__dict__ for a in articles],
        ),
        *n.refresh_cards(policy, case),
    ]


def confirm_receipt(case: Case, *, actor: str, now: datetime) -> None:
    """The requester's "Got it": the answer is confirmed (the desk then closes the case)."""
    if actor != case.requester_id:
        raise RequestRefused(f"Only the requester of {case.ref} can confirm they got the answer.")
    if case.state != "resolved" or case.verified_at is not None:
        raise RequestRefused(f"{case.ref} is not waiting for your confirmation any more; thanks.")
    case.verified_at = now
    record_event(case, at=now, actor=actor, kind="receipt_confirmed")
    case.updated_at = now


def information_record(policy: Policy) -> dict[str, str]:
    """The close record of an answered information request (CLOSE-4's fields, all set)."""
    causes = policy.closure.root_causes
    cause = next((c for c in causes if c.lower().startswith("request")), causes[-1])
    return {
        "code": "resolved",
        "root_cause": cause,
        "fix": "fix",
        "kb": "applied",
        "restored": "restored",
    }


# -- catalog items: fulfillment and new service ---------------------------------------------------
def apply_item(
    session: Session, policy: Policy, case: Case, *, actor: str, item_key: str, now: datetime
) -> list[Notice]:
    """`/case request CASE-n <item>`: the catalog's procedure for this request starts."""
    permissions.require(actor, permissions.may_reassign(policy, case), to=f"work on {case.ref}")
    item = policy.requests.get(item_key)
    if item is None:
        known = ", ".join(f"`{k}`" for k in policy.requests) or "none configured"
        raise RequestRefused(f"`{item_key}` is not a catalog request. Items: {known}.")
    if case.state == "closed":
        raise RequestRefused(f"{case.ref} is closed.")
    if case.request is not None:
        raise RequestRefused(
            f"{case.ref} already follows `{case.request.item}`; one catalog item per case."
        )
    if case.request_type not in (item.kind, "unknown"):
        raise RequestRefused(
            f"{case.ref} is recorded as {REQUEST_TYPES[case.request_type].lower()} and "
            f"`{item.key}` is for {REQUEST_TYPES[item.kind].lower()}; reclassify the case first."
        )
    if case.request_type == "unknown":
        record_event(
            case,
            at=now,
            actor=actor,
            kind="reclassified",
            field="request_type",
            old="unknown",
            new=item.kind,
            reason=f"catalog item {item.key}",
        )
        case.request_type = item.kind
    record_event(case, at=now, actor=actor, kind="catalog_item", new=item.key, reason=item.name)
    case.updated_at = now
    if item.kind == "fulfillment":
        return _start_fulfillment(session, policy, case, item, actor=actor, now=now)
    return _start_change(session, policy, case, item, actor=actor, now=now)


def _start_fulfillment(
    session: Session, policy: Policy, case: Case, item: CatalogItem, *, actor: str, now: datetime
) -> list[Notice]:
    case.request = CatalogRequest(
        item=item.key, approval=Approval.PENDING if item.approval else Approval.NOT_NEEDED
    )
    notices = [n.post(case.coordinator_id, "request_procedure", key=procedure_key(case))]
    if case.channel_id:
        notices.append(n.post(CASE_CHANNEL, "request_procedure"))
    if item.approval:
        notices += [
            n.post(m, "request_authorization", key=f"authorize:{case.id}:{m}", by=actor)
            for m in policy.holders("managers")
        ]
        notices.append(n.post(case.requester_id, "requester_request_waits", item=item.name))
    else:
        notices += _promise(session, policy, case, item, now=now)
    return [*notices, *n.refresh_cards(policy, case)]


def _promise(
    session: Session, policy: Policy, case: Case, item: CatalogItem, *, now: datetime
) -> list[Notice]:
    """The item's estimate becomes WORK-1's promise to the requester."""
    if item.estimate is None:
        return []
    return estimates.promise_within(
        session,
        policy,
        case,
        actor=case.coordinator_id,
        kind="resolution",
        span=item.estimate,
        now=now,
    )


def procedure_key(case: Case) -> str:
    return f"procedure:{case.id}"


def meet_prerequisite(
    session: Session, policy: Policy, case: Case, *, actor: str, number: int, now: datetime
) -> list[Notice]:
    permissions.require(actor, permissions.may_reassign(policy, case), to=f"work on {case.ref}")
    item = _fulfillment(policy, case)
    if not 1 <= number <= len(item.prerequisites):
        raise RequestRefused(
            f"`{item.key}` has {len(item.prerequisites)} prerequisite(s); give 1 to "
            f"{len(item.prerequisites)}."
        )
    assert case.request is not None
    if number in case.request.met:
        raise RequestRefused(f"Prerequisite {number} of {case.ref} is already met.")
    case.request = replace(case.request, met=tuple(sorted([*case.request.met, number])))
    record_event(
        case,
        at=now,
        actor=actor,
        kind="prerequisite_met",
        new=str(number),
        reason=item.prerequisites[number - 1],
    )
    case.updated_at = now
    return [n.post(case.coordinator_id, "request_procedure", key=procedure_key(case))]


def authorize(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    approve: bool,
    reason: str,
    now: datetime,
) -> list[Notice]:
    """A manager authorises the fulfillment (or refuses it, with the reason)."""
    permissions.require(actor, [permissions.role(policy, "managers")], to=f"authorise {case.ref}")
    item = _fulfillment(policy, case)
    assert case.request is not None
    if case.request.approval != Approval.PENDING:
        raise RequestRefused(f"{case.ref} is not waiting for authorisation.")
    reason = reason.strip()
    if not approve and not reason:
        raise RequestRefused(f"Say why it is refused: `/case refuse {case.ref} <reason>`.")
    if len(reason) > REASON_MAX:
        raise RequestRefused(f"The reason is {len(reason)} characters; keep it to {REASON_MAX}.")
    decided = Approval.APPROVED if approve else Approval.REFUSED
    case.request = replace(case.request, approval=decided, by=actor)
    record_event(
        case,
        at=now,
        actor=actor,
        kind="request_authorized" if approve else "request_refused",
        new=item.key,
        reason=reason or None,
    )
    case.updated_at = now
    notices = [
        *(
            n.post(m, "request_authorization", key=f"authorize:{case.id}:{m}")
            for m in policy.holders("managers")
        ),
        n.post(case.coordinator_id, "request_procedure", key=procedure_key(case)),
        n.post(case.requester_id, "requester_request_decided", approve=approve, reason=reason),
    ]
    if approve:
        notices += _promise(session, policy, case, item, now=now)
    return [*notices, *n.refresh_cards(policy, case)]


def _fulfillment(policy: Policy, case: Case) -> CatalogItem:
    item = policy.requests.get(case.request.item) if case.request else None
    if item is None or item.kind != "fulfillment":
        raise RequestRefused(
            f"{case.ref} follows no fulfillment procedure; start one with "
            f"`/case request {case.ref} <item>`."
        )
    return item


def ready_to_resolve(policy: Policy, case: Case) -> str | None:
    """What still blocks a resolution of a fulfillment request, in words; None when ready."""
    request = case.request
    item = policy.requests.get(request.item) if request else None
    if item is None or item.kind != "fulfillment" or request is None:
        return None
    if request.approval == Approval.PENDING:
        return f"{case.ref} waits for a manager to authorise `{item.key}`."
    if request.approval == Approval.REFUSED:
        return f"`{item.key}` was refused for {case.ref}; close it instead of resolving it."
    missing = [p for i, p in enumerate(item.prerequisites, 1) if i not in request.met]
    if missing:
        return f"{case.ref} still needs: {'; '.join(missing)} (`/case prereq {case.ref} <n>`)."
    return None


def _start_change(
    session: Session, policy: Policy, case: Case, item: CatalogItem, *, actor: str, now: datetime
) -> list[Notice]:
    standard = item.standard_change is not None
    rfc = Rfc(
        case_id=case.id,
        item_key=item.key,
        title=item.standard_change or f"{item.name}: {case.summary}"[:200],
        kind="standard" if standard else "normal",
        state=RfcState.TO_IMPLEMENT if standard else RfcState.SUBMITTED,
        created_by=actor,
        created_at=now,
    )
    session.add(rfc)
    session.flush()
    case.request = CatalogRequest(item=item.key, rfc=rfc.ref, kind=rfc.kind)
    record_event(
        case,
        at=now,
        actor=actor,
        kind="rfc_raised",
        new=rfc.ref,
        reason=rfc.title,
        detail={"kind": rfc.kind},
    )
    notices = [n.post(case.requester_id, "requester_rfc", rfc=rfc.id)]
    if not standard:
        queue = policy.change_queue_channel or policy.management_channel
        notices.append(n.post(queue, "rfc_card", key=f"rfc:{rfc.id}", rfc=rfc.id))
    return [*notices, *n.refresh_cards(policy, case)]


def rfc_of(session: Session, case: Case) -> Rfc | None:
    return session.execute(select(Rfc).where(Rfc.case_id == case.id)).scalar_one_or_none()


def on_resolution(session: Session, case: Case, *, actor: str, now: datetime) -> None:
    """A standard change is implemented by the desk when it proposes the resolution."""
    rfc = rfc_of(session, case)
    if rfc is not None and rfc.kind == "standard" and rfc.state == RfcState.TO_IMPLEMENT:
        rfc.state, rfc.implemented_by, rfc.implemented_at = RfcState.IMPLEMENTED, actor, now
        record_event(case, at=now, actor=actor, kind="standard_change_implemented", new=rfc.ref)


def procedure_state(policy: Policy, case: Case) -> dict[str, Any]:
    """What the procedure message shows: item, prerequisites with their state, approval."""
    request = case.request
    item = policy.requests.get(request.item) if request else None
    if item is None or request is None:
        return {}
    return {
        "item": item,
        "prerequisites": [(i, p, i in request.met) for i, p in enumerate(item.prerequisites, 1)],
        "approval": request.approval,
    }
