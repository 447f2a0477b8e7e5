"""ROUTE-5: consult without transfer. The coordinator asks a provider group for help through
its call tree (1: the on-call technician, 2: the supervisor); the paged person joins the case
channel as an interested party. After a while the coordinator decides again: keep or transfer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import case_channel, permissions, timers
from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import CASE_CHANNEL, Notice
from bot.timeline import add_party, record_event
from bot.timers import Firing, Handler
from config.policy import Policy
from store.models import Case, Consult, PartyRole, SlackMessage

CALL_TREE = {
    "oncall": "1: page the group's on-call technician",
    "supervisor": "2: page the group's supervisor",
}
DECISIONS = ("keep", "transfer")
QUESTION_MAX = 1500


class ConsultRefused(UserFacingError):
    """The consult or its decision cannot go ahead as asked; the message says why."""


def consult(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    group_key: str,
    via: str,
    question: str,
    now: datetime,
) -> list[Notice]:
    """Page the group's on-call or supervisor about the case; ownership does not move."""
    if case.state == "closed":
        raise ConsultRefused(f"{case.ref} is closed; open a new case if help is still needed.")
    permissions.require(actor, permissions.may_consult(policy, case), to=f"consult on {case.ref}")
    group = policy.groups.get(group_key)
    if group is None:
        raise ConsultRefused(
            f"There is no group {group_key!r}. Groups: {', '.join(sorted(policy.groups))}."
        )
    if via not in CALL_TREE:
        raise ConsultRefused("Choose whom to page: `oncall` (1) or `supervisor` (2).")
    paged = group.on_call if via == "oncall" else group.supervisor
    if paged == actor:
        other = "supervisor" if via == "oncall" else "oncall"
        raise ConsultRefused(
            f"You are the {'on-call' if via == 'oncall' else 'supervisor'} of {group.name} "
            f"yourself; page the `{other}` instead, or another group."
        )
    row = Consult(
        case_id=case.id,
        group_key=group.key,
        via=via,
        paged_user=paged,
        question=question.strip()[:QUESTION_MAX],
        requested_by=actor,
        requested_at=now,
    )
    session.add(row)
    session.flush()
    add_party(case, user_id=paged, role=PartyRole.INTERESTED, at=now)
    record_event(
        case,
        at=now,
        actor=actor,
        kind="consult",
        field="group",
        new=group.key,
        reason=row.question or None,
        detail={"consult": row.id, "via": via, "paged": paged},
    )
    timers.schedule(
        session,
        key=f"consult:{row.id}",
        kind="consult_followup",
        due_at=now + policy.coordination.consult_followup_after,
        now=now,
        case=case,
        payload={"consult": row.id},
    )
    case.updated_at = now
    return [
        *case_channel.join(session, case, [paged]),
        n.post(CASE_CHANNEL, "consulted", consult=row.id),
        n.post(paged, "consult_page", key=_page_key(case, row), consult=row.id),
    ]


def refresh_pages(session: Session, case: Case) -> list[Notice]:
    """Re-render, in place, the delivered consult pages of the case (a page of an unclaimed
    case carries Take it, which goes once the case is taken)."""
    prefix = f"consult_page:{case.id}:"
    keys = session.execute(
        select(SlackMessage.key).where(SlackMessage.key.startswith(prefix, autoescape=True))
    ).scalars()
    notices = []
    for key in sorted(keys):
        paged, consult_id = key.removeprefix(prefix).split(":")
        notices.append(n.post(paged, "consult_page", key=key, consult=int(consult_id)))
    return notices


def _page_key(case: Case, row: Consult) -> str:
    return f"consult_page:{case.id}:{row.paged_user}:{row.id}"


def decide(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    consult_id: int,
    decision: str,
    actor: str,
    now: datetime,
) -> list[Notice]:
    """The coordinator's answer to "keep it or transfer it?" after a consult."""
    row = session.get(Consult, consult_id)
    if row is None or row.case_id != case.id:
        raise ConsultRefused(f"That consult on {case.ref} no longer exists.")
    if decision not in DECISIONS:
        raise ConsultRefused("That button is damaged; answer on the newest question.")
    permissions.require(
        actor, permissions.may_coordinate(policy, case), to="decide after a consult"
    )
    if row.decision is not None:
        raise ConsultRefused(
            f"Already decided: {row.decision}, by <@{row.decided_by}>. Nothing more to do."
        )
    row.decision, row.decided_by, row.decided_at = decision, actor, now
    timers.cancel(session, f"consult:{row.id}", now=now)
    record_event(
        case,
        at=now,
        actor=actor,
        kind="consult_decision",
        field="consult",
        new=decision,
        detail={"consult": row.id, "group": row.group_key},
    )
    case.updated_at = now
    asked = next(
        (
            e.new_value
            for e in case.events
            if e.kind == "consult_followup" and e.detail.get("consult") == row.id
        ),
        None,
    )
    if asked is None:  # decided before the bot asked: there is no question to edit
        return []
    return [n.post(asked, "consult_followup", key=_followup_key(row), consult=row.id)]


def followup(f: Firing) -> list[Notice]:
    """Ask the coordinator to decide, unless they already did or the case is closed."""
    case = f.case
    row = f.session.get(Consult, int(f.timer.payload.get("consult", 0)))
    if case is None or row is None or row.decision is not None or case.state == "closed":
        return []
    record_event(
        case,
        at=f.now,
        actor=None,
        kind="consult_followup",
        new=case.coordinator_id,
        detail={"consult": row.id, "late": f.late},
    )
    return [n.post(case.coordinator_id, "consult_followup", key=_followup_key(row), consult=row.id)]


def _followup_key(row: Consult) -> str:
    return f"consult:{row.id}:followup"


HANDLERS: dict[str, Handler] = {"consult_followup": followup}
