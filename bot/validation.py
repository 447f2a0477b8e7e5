"""INTAKE-5: automated contacts (the self-service form, a monitoring alert) are flagged "needs
validation" until a person confirms their data or corrects their classification.

A flagged case that would be major is held: it waits in the command center's queue, and the
command center's on-call is paged to confirm or correct it before the case channel opens and the
broadcast goes out. Confirming starts the major path at once; a correction starts it only if the
corrected priority is still major (`bot/reclassify.py`), and otherwise the case takes the
normal path. Which channels are automated is policy (`desk.yml` `intake.needs_validation_from`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import notices as n
from bot import permissions, sla, status_updates
from bot.errors import UserFacingError
from bot.notices import Notice
from bot.render.common import when
from bot.routing import route, route_major, to_queue
from bot.timeline import record_event
from bot.vocabulary import CONTACT_CHANNELS, NEEDS_OVERRIDE, label
from config.policy import Policy
from store.models import Case, Validation

HELD = "held_for_validation"
PAGE_TEMPLATE = "validation_page"


class ValidationRefused(UserFacingError):
    """Nothing to confirm: the message says why, and nothing was changed."""


def source_of(case: Case) -> str:
    """The automated channel as people name it: "Monitoring alert", "Self-service form"."""
    return label(CONTACT_CHANNELS, case.contact_channel)


def claim(policy: Policy, case: Case) -> str:
    """What the automation says, in words: "Monitoring alert says P1", "... says P3 on
    network, major for this desk" when a service's floor makes the priority major, or "... says
    P3, with 3 cases linked to it" when an alert storm's links make it major (WORK-6)."""
    said = f"{source_of(case)} says {case.priority}"
    linked = linked_when_held(case)
    if linked is not None and not policy.is_major(case.priority, case.service_key):
        return f"{said}, with {linked} cases linked to it"
    if case.priority in policy.major_priorities or not policy.is_major(
        case.priority, case.service_key
    ):
        return said
    return f"{said} on {case.service_key}, major for this desk"


def linked_when_held(case: Case) -> int | None:
    """How many cases were linked to it when their number held it for validation, if it was."""
    held = [e for e in case.events if e.kind == HELD and "linked" in e.detail]
    return int(held[-1].detail["linked"]) if held else None


def flag_at_intake(policy: Policy, case: Case, *, actor: str, at: datetime) -> None:
    """Flag a case recorded through an automated channel, on its timeline."""
    if not policy.needs_validation(case.contact_channel):
        return
    case.validation = Validation.NEEDED
    record_event(
        case,
        at=at,
        actor=actor,
        kind="needs_validation",
        reason=f"recorded from the {source_of(case).lower()}: a person confirms its details or "
        "corrects its classification",
    )


def route_new(policy: Policy, case: Case, *, actor: str, at: datetime) -> list[Notice]:
    """Route a new case; a flagged one that would be major is held for the command center."""
    if must_hold(case) and case.is_major:
        return _hold(policy, case, actor=actor, at=at)
    return route(policy, case, actor=actor, at=at, reason="new case")


def must_hold(case: Case) -> bool:
    """Flagged and not waiting for a support override: it may not go major unconfirmed."""
    return case.needs_validation and case.support_status not in NEEDS_OVERRIDE


def held_for_major(policy: Policy, case: Case) -> bool:
    """Flagged, not yet on the major path, and major by its priority and service or by the
    cases an alert storm linked to it."""
    return (
        case.needs_validation
        and not case.is_major
        and case.state != "closed"
        and (policy.is_major(case.priority, case.service_key) or linked_when_held(case) is not None)
    )


def hold_for_links(
    policy: Policy, case: Case, *, linked: int, actor: str | None, at: datetime
) -> list[Notice]:
    """WORK-6's link count would make a flagged case major (an alert storm): the major path
    waits, as for a flagged P1, and the command center's on-call is paged to decide. The case
    stays where it was routed; paged once, however many more cases link to it."""
    if held_for_major(policy, case):
        return []
    why = f"{linked} cases are linked to it, which makes it major, but it came from the "
    why += source_of(case).lower()
    return _page_to_decide(policy, case, why=why, actor=actor, at=at, linked=linked)


def _hold(policy: Policy, case: Case, *, actor: str, at: datetime) -> list[Notice]:
    """No channel, no broadcast: the command center's queue, and its on-call paged to decide."""
    group = policy.groups[policy.command_center_group]
    case.is_major = False  # the major path starts when a person confirms (or corrects to major)
    notices = to_queue(
        policy,
        case,
        group=group.key,
        actor=actor,
        at=at,
        reason=f"{claim(policy, case)}: waiting for the command center to confirm or correct it",
    )
    return [*notices, *_page_to_decide(policy, case, why=claim(policy, case), actor=actor, at=at)]


def _page_to_decide(
    policy: Policy,
    case: Case,
    *,
    why: str,
    actor: str | None,
    at: datetime,
    linked: int | None = None,
) -> list[Notice]:
    """The hold on the timeline (who was paged; how many links, when links made it major) and
    the page to the command center's on-call."""
    on_call = policy.groups[policy.command_center_group].on_call
    detail: dict[str, object] = {"paged": on_call}
    if linked is not None:
        detail["linked"] = linked
    record_event(
        case,
        at=at,
        actor=actor,
        kind=HELD,
        new=case.priority,
        reason=f"{why}: the case channel and the broadcast wait until <@{on_call}> or a "
        "colleague confirms or corrects it",
        detail=detail,
    )
    return [n.post(on_call, PAGE_TEMPLATE, key=page_key(case, on_call))]


def page_key(case: Case, user: str) -> str:
    return f"validate:{case.id}:{user}"


def paged(case: Case) -> list[str]:
    """Who was paged to validate this case (the on-call at the time it was held)."""
    return [str(e.detail["paged"]) for e in case.events if e.kind == HELD and e.detail.get("paged")]


def confirm(
    session: Session, policy: Policy, case: Case, *, actor: str, now: datetime
) -> list[Notice]:
    """A person confirms the automated data: the flag clears; a held case goes major at once."""
    check_confirmable(policy, case, actor)
    held = held_for_major(policy, case)
    reason = _confirm_reason(policy, case, held)
    _clear(case, Validation.CONFIRMED, actor=actor, at=now, reason=reason)
    notices: list[Notice] = []
    if held:
        case.is_major = True
        said = f"{claim(policy, case)}, confirmed by <@{actor}>"
        notices += route_major(policy, case, actor=actor, at=now, reason=said)
        sla.refresh(session, policy, case, now=now)
        status_updates.schedule_reminder(session, policy, case, now=now)
    return settle(case, [*notices, *n.refresh_cards(policy, case)])


def corrected(case: Case, *, actor: str, at: datetime, reason: str) -> bool:
    """A reclassification validates a flagged case too; True if it did."""
    if not case.needs_validation:
        return False
    _clear(case, Validation.CORRECTED, actor=actor, at=at, reason=reason)
    return True


def check_confirmable(policy: Policy, case: Case, actor: str) -> None:
    """PERM-1 (staff only: a requester never confirms their own case), then check_open. Asked
    from a read before the write too, as `take` does, so a second click waits for no writer."""
    permissions.require(actor, [permissions.staff(policy)], to=f"confirm {case.ref}")
    check_open(case)


def check_open(case: Case) -> None:
    """Refuse, saying why and changing nothing, unless the case waits for validation."""
    if case.validation is None:
        raise ValidationRefused(
            f"{case.ref} was recorded by a person (contact by "
            f"{label(CONTACT_CHANNELS, case.contact_channel)}); it has nothing to confirm."
        )
    if case.validation != Validation.NEEDED:
        how = "confirmed" if case.validation == Validation.CONFIRMED else "corrected"
        by = f"<@{case.validated_by}>" if case.validated_by else "someone"
        at = f" {when(case.validated_at)}" if case.validated_at else ""
        raise ValidationRefused(f"{case.ref} was already {how} by {by}{at}; nothing was changed.")
    if case.state == "closed":
        raise ValidationRefused(f"{case.ref} is closed; there is nothing left to confirm.")


def settle(case: Case, notices: list[Notice]) -> list[Notice]:
    """After validation: every validation page is redrawn in place (it now says who decided and
    offers Take it where the case went major), so the major path's page to the same person is
    not sent again."""
    people = paged(case)
    pages = [n.post(user, PAGE_TEMPLATE, key=page_key(case, user)) for user in people]
    kept = [x for x in notices if not (x.template == "page" and x.target in people)]
    return n.dedupe([*kept, *pages])


def _confirm_reason(policy: Policy, case: Case, held: bool) -> str:
    if held:
        return (
            f"{claim(policy, case)}: confirmed; the case channel opens and the broadcast goes out"
        )
    return f"confirmed the details from the {source_of(case).lower()}"


def _clear(case: Case, how: Validation, *, actor: str, at: datetime, reason: str) -> None:
    case.validation, case.validated_at, case.validated_by = how, at, actor
    case.updated_at = at
    record_event(
        case,
        at=at,
        actor=actor,
        kind="validated",
        old=Validation.NEEDED.value,
        new=how.value,
        reason=reason,
    )
