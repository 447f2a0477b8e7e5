"""Messages of the clocks (SLA-2, SLA-3): the warning to the coordinator, the breach alert in
business terms, the requester's "management is engaged", status-update reminders and updates.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import object_session

from bot import sla, sla_alerts
from bot.render.cards import ACTION_TAKE
from bot.render.common import (
    as_dicts,
    buttons,
    context,
    duration,
    fields_section,
    group_label,
    priority_label,
    safe,
    section,
    service_label,
    user,
    when,
)
from bot.render.message import Message, RenderContext
from bot.take import may_take
from bot.text import clip
from bot.vocabulary import STATES
from store.models import CaseEvent, SlaClock

ACTION_POST_UPDATE = "case_post_update"
ACTION_SHOW = "case_show"
ACTION_SLA_PAGE = "sla_page_on_call"
LATE = "(sent late: the bot was not running when this fell due)"


def _clock(ctx: RenderContext) -> SlaClock | None:
    return sla.clock_by_id(ctx.case, int(ctx.params.get("clock", 0)))


def _view(ctx: RenderContext) -> sla.ClockView | None:
    clock = _clock(ctx)
    if clock is None:
        return None
    return next(
        (v for v in sla.views(ctx.policy, ctx.case, now=ctx.now) if v.metric == clock.metric), None
    )


def _late(ctx: RenderContext) -> list[str]:
    return [LATE] if ctx.params.get("late") else []


def sla_warning(ctx: RenderContext) -> Message:
    """To whoever can act: what is due, how long is left, one tap to act. While the case waits
    unclaimed in a queue, the coordinator's copy pages the group's on-call and the on-call's copy
    takes it; once taken, both say so instead."""
    case, policy = ctx.case, ctx.policy
    view = _view(ctx)
    label = view.label if view else "SLA"
    unclaimed_copy = "page" in ctx.params or "take" in ctx.params
    sent_for = ctx.params.get("group", case.group_key)
    if unclaimed_copy and (case.state != "pending" or case.group_key != sent_for):
        return _warning_settled(ctx, label)
    left = duration(view.left_seconds) if view else "little time"
    due = when(view.due_at) if view and view.due_at else "soon"
    target = duration(view.target_seconds) if view else "the target"
    plain = f"{label} for {case.ref} is due soon ({left} left)"
    if view is not None and view.left_seconds < 0:  # re-rendered after the breach
        head = f":red_circle: *{label} for {case.ref} was due {due}* ({left} over {target})."
        plain = f"{label} for {case.ref} is {left} overdue"
    else:
        head = (
            f":hourglass_flowing_sand: *{label} for {case.ref} is due {due}* "
            f"({left} left of {target})."
        )
    text = f"{head}\n{priority_label(policy, case)} · {safe(case.summary, 300)}"
    number = str(case.number)
    show = ("Show the case", ACTION_SHOW, number, None)
    blocks: list[Block] = [section(text)]
    if unclaimed_copy:
        group = group_label(policy, case)
        session = object_session(case)
        paged = sla_alerts.on_call_page(session, case) if session is not None else None
        take = ("Take it", ACTION_TAKE, number, None)
        may = may_take(policy, case, case.coordinator_id)
        if ctx.params.get("page") and paged is None:
            blocks.append(section(f"Nobody in {group} has taken it yet."))
            page = ("Page the group's on-call", ACTION_SLA_PAGE, number, "primary")
            blocks.append(buttons("sla", page, *([take] if may else []), show))
        elif ctx.params.get("page") and paged is not None:
            blocks.append(
                section(
                    f"Nobody in {group} has taken it yet. {user(paged.requested_by)} paged "
                    f"{user(paged.paged_user)}, its on-call, {when(paged.requested_at)}."
                )
            )
            blocks.append(buttons("sla", *([take] if may else []), show))
        else:
            blocks.append(section(f"It waits in the {group} queue and nobody has taken it yet."))
            blocks.append(buttons("sla", ("Take it", ACTION_TAKE, number, "primary"), show))
    else:
        blocks.append(
            buttons("sla", ("Post an update", ACTION_POST_UPDATE, number, "primary"), show)
        )
    blocks.append(context(f"Coordinator {user(case.coordinator_id)}", *_late(ctx)))
    return Message(text=clip(plain, 300), blocks=as_dicts(blocks))


def _warning_settled(ctx: RenderContext, label: str) -> Message:
    """An unclaimed case's warning once someone took the case, or it moved to another queue:
    no buttons left to press."""
    case = ctx.case
    clock = _clock(ctx)
    if clock is not None and clock.met_at is not None:
        now = f"{label} met {when(clock.met_at)}"
    elif clock is not None and clock.due_at is not None:
        now = f"{label} due {when(clock.due_at)}"
    else:
        now = f"{label} on hold"
    if case.state == "pending":
        plain = f"{case.ref} moved to the {group_label(ctx.policy, case)} queue"
        text = f":arrow_right: *{case.ref}* moved to the {group_label(ctx.policy, case)} queue."
    elif case.state in ("resolved", "closed"):
        plain = f"{case.ref} is {case.state}"
        text = f":white_check_mark: *{case.ref}* is {case.state}."
    else:
        plain = f"{case.ref} was taken"
        text = (
            f":white_check_mark: *{case.ref}* was taken: {user(case.coordinator_id)} coordinates "
            "it now."
        )
    text += f" {now}.\n{safe(case.summary, 300)}"
    blocks: list[Block] = [section(text)]
    return Message(text=clip(plain, 300), blocks=as_dicts(blocks))


def sla_breach(ctx: RenderContext) -> Message:
    """To management and business contacts, in business terms: which service, how badly, how
    late, who owns it and what stands in the way."""
    case, policy = ctx.case, ctx.policy
    view = _view(ctx)
    label = view.label if view else "SLA"
    late_by = (
        duration(-view.left_seconds) if view and view.left_seconds <= -60 else "under a minute"
    )
    blocks: list[Block] = [
        section(
            f":rotating_light: *{label} target missed: {case.ref}* · "
            f"{priority_label(policy, case)}\n{safe(case.summary, 300)}"
        ),
        fields_section(
            [
                ("Service", service_label(policy, case)),
                ("Business impact", f"{case.impact.capitalize()}, {_people(ctx)}"),
                ("Late by", late_by),
                ("Owner", f"{user(case.coordinator_id)} ({group_label(policy, case)})"),
                ("Status", STATES.get(case.state, case.state)),
                ("Blocking resumption", _blocker(ctx)),
            ]
        ),
        context(
            _target_terms(ctx, view),
            f"recorded {when(case.first_contact_at)}",
            *_late(ctx),
        ),
    ]
    return Message(
        text=clip(f"{label} target missed for {case.ref}: {case.summary}", 300),
        blocks=as_dicts(blocks),
    )


def _target_terms(ctx: RenderContext, view: sla.ClockView | None) -> str:
    """The target as the clock counts it: around the clock, or in its calendar's hours."""
    if view is None:
        return "Target unknown"
    target = duration(view.target_seconds)
    was_due = f", due {when(view.due_at)}" if view.due_at else ""
    calendar = ctx.policy.calendars.get(view.calendar)
    if calendar is not None and calendar.always_open:
        return f"Target {target} around the clock{was_due}"
    return f"Target {target} in business hours ({view.calendar}){was_due}"


def requester_management_engaged(ctx: RenderContext) -> Message:
    case = ctx.case
    text = (
        f"We have not met our target for *{case.ref}* ({safe(case.summary, 300)}). We are "
        "sorry: the desk's management is now involved and following it closely."
    )
    return Message(text=f"{case.ref}: management is engaged.", blocks=as_dicts([section(text)]))


def status_update_due(ctx: RenderContext) -> Message:
    """SLA-3: the coordinator of a major incident owes everyone an update."""
    case, policy = ctx.case, ctx.policy
    last = _last_update(ctx)
    since = f"last update {when(last.at)}" if last else "no update yet"
    text = (
        f":mega: *Status update due for {case.ref}* · {priority_label(policy, case)} · "
        f"{since}\n{safe(case.summary, 300)}"
    )
    blocks: list[Block] = [
        section(text),
        buttons("status", ("Post an update", ACTION_POST_UPDATE, str(case.number), "primary")),
        context(
            "Updates go to the case channel, the broadcast channel, everyone following and "
            "the requester",
            *_late(ctx),
        ),
    ]
    return Message(text=f"Status update due for {case.ref}", blocks=as_dicts(blocks))


def status_update(ctx: RenderContext) -> Message:
    """BCAST-1: an update as the case channel, the broadcast channel and followers see it."""
    case, policy = ctx.case, ctx.policy
    event = event_of(ctx)
    text = event.new_value if event else ""
    by = user(event.actor_id) if event else "the desk"
    blocks: list[Block] = [
        section(
            f":mega: *Update on {case.ref}* · {priority_label(policy, case)} · "
            f"{safe(case.summary, 200)}\n{safe(text or '', 2500)}"
        ),
        context(f"Posted by {by}", f"coordinator {user(case.coordinator_id)}"),
    ]
    return Message(text=clip(f"Update on {case.ref}: {text}", 300), blocks=as_dicts(blocks))


def requester_update(ctx: RenderContext) -> Message:
    """The same update, in the desk's voice to the requester (BCAST-4's single point of contact)."""
    case, policy = ctx.case, ctx.policy
    event = event_of(ctx)
    text = event.new_value if event else ""
    blocks: list[Block] = [
        section(f"*Update on your request {case.ref}*\n{safe(text or '', 2500)}"),
        context(f"{policy.desk_name} · quote {case.ref} whenever you contact us about it"),
    ]
    return Message(text=clip(f"Update on {case.ref}: {text}", 300), blocks=as_dicts(blocks))


def requester_waiting(ctx: RenderContext) -> Message:
    case = ctx.case
    reason = safe(str(ctx.params.get("reason", "")), 1500)
    text = (
        f"To go on with *{case.ref}* ({safe(case.summary, 200)}) the desk needs something "
        f"from you:\n>{reason}"
    )
    return Message(text=f"{case.ref} is waiting for you.", blocks=as_dicts([section(text)]))


def _people(ctx: RenderContext) -> str:
    question = next((q for q in ctx.policy.impact_questions if q.key == "people"), None)
    answer = ctx.case.impact_answers.get("people", "")
    option = question.option(answer) if question else None
    return option.label.lower() if option else "people affected not known"


def _blocker(ctx: RenderContext) -> str:
    case = ctx.case
    if case.waiting_on == "requester":
        return "Waiting on the requester"
    if case.state == "pending":
        return f"Not yet taken by {group_label(ctx.policy, case)}"
    if case.support_status in ("unsupported", "not_in_catalog"):
        return "Waiting for an override decision"
    return "Nothing reported; the coordinator is working on it"


def event_of(ctx: RenderContext) -> CaseEvent | None:
    """The timeline row a message is about (its id travels in the outbox params)."""
    wanted = ctx.params.get("event")
    return next((e for e in ctx.case.events if e.id == wanted), None)


def _last_update(ctx: RenderContext) -> CaseEvent | None:
    updates = [e for e in ctx.case.events if e.kind == "status_update"]
    return updates[-1] if updates else None
