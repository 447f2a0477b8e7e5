"""ROUTE-3's messages: the offer with its brief (Accept / Decline), the reminder and the
supervisor's copy, the notes to the case channel and the old coordinator, and the requester's
"you have a new coordinator"."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import object_session

from bot import sla
from bot.render.common import (
    as_dicts,
    buttons,
    context,
    duration,
    fields_section,
    priority_label,
    safe,
    section,
    user,
    when,
)
from bot.render.message import Message, RenderContext
from bot.text import clip
from bot.vocabulary import STATES
from store.models import Case, Handoff

ACTION_HANDOFF_ACCEPT = "handoff_accept"
ACTION_HANDOFF_DECLINE = "handoff_decline"
ACTION_HANDOFF_ELSEWHERE = "handoff_elsewhere"
ESTIMATES = {"contact": "next contact", "resolution": "resolution"}


def handoff_offer(ctx: RenderContext) -> Message:
    """The brief in the next coordinator's (or the supervisor's) DM: enough to take over
    without asking the customer anything again."""
    case, handoff = ctx.case, _handoff(ctx)
    boss = bool(ctx.params.get("supervisor"))
    if boss:
        head = (
            f":arrow_up: *The handoff of {case.ref} from {user(handoff.from_user)} to "
            f"{user(handoff.to_user)} has had no answer.* As the group's supervisor you may "
            "accept it yourself or hand it to someone else."
        )
    elif ctx.params.get("reminder"):
        head = (
            f":bell: *Reminder: {user(handoff.requested_by)} is waiting for your answer on "
            f"{case.ref}.*"
        )
    else:
        head = f":handshake: *{user(handoff.requested_by)} asks you to take over {case.ref}.*"
    if handoff.state == "pending":
        head += f" Until you accept, {user(case.coordinator_id)} stays its coordinator."
    blocks: list[Block] = [section(head)]
    if handoff.note:
        blocks.append(section(f"*Note:* {safe(handoff.note, 1500)}"))
    blocks += brief_blocks(ctx)
    blocks += _answer_blocks(ctx, handoff, boss=boss)
    return Message(
        text=clip(f"Handoff of {case.ref}: {case.summary}", 300), blocks=as_dicts(blocks)
    )


def brief_blocks(ctx: RenderContext) -> list[Block]:
    """Summary, requester and contact, priority and SLA left, what was tried, state, next
    promised contact."""
    case, policy = ctx.case, ctx.policy
    contact = [user(case.requester_id)]
    contact += [
        safe(x, 300)
        for x in (case.contact_phone, case.contact_email, case.contact_location, case.contact_notes)
        if x
    ]
    tried = [safe(e.reason or "", 300) for e in case.events if e.kind == "note" and e.reason]
    return [
        section(f"*{safe(case.summary, 300)}*\n{safe(case.description, 1200)}".strip()),
        fields_section(
            [
                ("Requester and contact", " · ".join(contact)),
                ("Priority", priority_label(policy, case)),
                ("SLA", sla_left(ctx)),
                ("Current state", STATES.get(case.state, case.state)),
                ("Next promised contact", promised(case)),
                ("Coordinator", user(case.coordinator_id)),
            ]
        ),
        section("*What was tried:* " + ("; ".join(tried) if tried else "nothing recorded yet")),
    ]


def sla_left(ctx: RenderContext) -> str:
    lines = []
    for view in sla.views(ctx.policy, ctx.case, now=ctx.now):
        if view.state.startswith("met"):
            continue
        left = (
            f"{duration(view.left_seconds)} left"
            if view.left_seconds >= 0
            else f"{duration(view.left_seconds)} over"
        )
        due = f", due {when(view.due_at)}" if view.due_at else " (paused)"
        lines.append(f"{view.label}: {left}{due}")
    return "\n".join(lines) or "all targets met"


def promised(case: Case) -> str:
    if case.estimate_at is None:
        return "none yet"
    kind = ESTIMATES.get(case.estimate_kind or "", case.estimate_kind or "contact")
    return f"{kind} by {when(case.estimate_at)}"


def handoff_offered(ctx: RenderContext) -> Message:
    case = ctx.case
    text = (
        f":handshake: {user(ctx.params.get('by'))} offered {case.ref} to "
        f"{user(ctx.params.get('to'))}. {user(case.coordinator_id)} stays coordinator until "
        "they accept."
    )
    return Message(
        text=f"{case.ref} offered to a new coordinator", blocks=as_dicts([section(text)])
    )


def handoff_accepted(ctx: RenderContext) -> Message:
    case = ctx.case
    old, new = ctx.params.get("old"), ctx.params.get("new")
    text = (
        f":white_check_mark: {user(new)} accepted {case.ref} from {user(old)} and is now its "
        f"coordinator. {user(old)} keeps getting its updates as an interested party."
    )
    return Message(text=f"{case.ref} has a new coordinator", blocks=as_dicts([section(text)]))


def handoff_declined(ctx: RenderContext) -> Message:
    case = ctx.case
    reason = safe(str(ctx.params.get("reason") or ""), 1500)
    text = (
        f":no_entry: {user(ctx.params.get('by'))} declined to take over {case.ref}:\n>{reason}\n"
        f"{user(case.coordinator_id)} remains its coordinator."
    )
    return Message(text=f"Handoff of {case.ref} declined", blocks=as_dicts([section(text)]))


def handoff_closed(ctx: RenderContext) -> Message:
    case, handoff = ctx.case, _handoff(ctx)
    how = "taken over" if handoff.state == "accepted" else "withdrawn"
    text = (
        f"The handoff of {case.ref} to you was {how} by {user(ctx.params.get('by'))}; "
        "there is nothing for you to do."
    )
    return Message(text=f"Handoff of {case.ref} closed", blocks=as_dicts([section(text)]))


def requester_new_coordinator(ctx: RenderContext) -> Message:
    case = ctx.case
    text = (
        f"Your request *{case.ref}* has a new coordinator: {user(ctx.params.get('coordinator'))}. "
        "They have its full history, so you will not need to repeat anything."
    )
    return Message(text=f"{case.ref} has a new coordinator", blocks=as_dicts([section(text)]))


def _answer_blocks(ctx: RenderContext, handoff: Handoff, *, boss: bool) -> list[Block]:
    value = f"{ctx.case.number}:{handoff.id}"
    if handoff.state == "pending":
        specs: list[tuple[str, str, str, str | None]] = [
            ("Accept" if not boss else "Accept it myself", ACTION_HANDOFF_ACCEPT, value, "primary"),
            ("Decline", ACTION_HANDOFF_DECLINE, value, "danger"),
        ]
        if boss:
            specs.append(("Hand to someone else", ACTION_HANDOFF_ELSEWHERE, value, None))
        return [buttons("handoff", *specs)]
    by = user(handoff.answered_by)
    outcome = {
        "accepted": f":white_check_mark: Accepted by {by} {when(handoff.answered_at or ctx.now)}",
        "declined": f":no_entry: Declined by {by}: {safe(handoff.reason or '', 500)}",
    }.get(handoff.state, f"Withdrawn by {by}")
    return [context(outcome)]


def _handoff(ctx: RenderContext) -> Handoff:
    session = object_session(ctx.case)
    found = session.get(Handoff, int(ctx.params.get("handoff", 0))) if session else None
    if found is None:
        raise ValueError("the handoff of this message no longer exists")
    return found
