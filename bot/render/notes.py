"""One-off notifications: the requester's DMs (customer wording, no internal detail, PERM-2),
the on-call page, and notes to the coordinator and the desk.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.changes import planned_outage_of
from bot.render.cards import ACTION_TAKE
from bot.render.closure_notes import withdraw_button, withdrawable
from bot.render.common import (
    as_dicts,
    buttons,
    context,
    plain_when,
    priority_label,
    safe,
    section,
    user,
    when,
)
from bot.render.message import Message, RenderContext
from bot.targets import Due, due, next_promise
from bot.text import clip

FIELD_NAMES = {
    "service_key": "service",
    "service_name": "service name",
    "request_type": "request type",
    "category": "category",
    "urgency": "urgency",
    "impact_answers": "business impact",
}


def requester_ack(ctx: RenderContext) -> Message:
    """INTAKE-3: the number and the target time of the first response, the moment it exists."""
    case, policy = ctx.case, ctx.policy
    first = due(case, "first_response")
    text = (
        f"Your request is recorded as *{case.ref}*: {safe(case.summary, 300)}\n"
        f"Priority: *{priority_label(policy, case)}*. {promise_sentence(first)}"
    )
    if case.support_status in ("unsupported", "not_in_catalog"):
        text += (
            "\nThe desk is checking whether this service is supported; you will hear either way."
        )
    planned = planned_outage_of(case)
    if planned is not None:
        ref, title, ends = planned
        until = when(datetime.fromisoformat(ends)) if ends else "later today"
        text += (
            f"\n:construction: There is planned work on this service until {until} "
            f"({ref}: {safe(title, 150)}); it may explain what you see."
        )
    foot = f"{policy.desk_name} · quote {case.ref} whenever you contact us about it"
    parts: list[Block] = [section(text), context(foot)]
    if withdrawable(case):  # CLOSE-4: the requester may withdraw it from here
        parts.append(withdraw_button(case))
    blocks = as_dicts(parts)
    plain = f"Your request is recorded as {case.ref}."
    if first.at is not None and first.state in ("running", "warned"):
        plain = f"{plain[:-1]}; we will respond by {plain_when(first.at)}."
    return Message(text=plain, blocks=blocks)


def promise_sentence(promise: Due) -> str:
    """What the requester is promised next, in words, from the clock `/case sla` shows."""
    resolve = promise.metric == "resolution"
    if promise.state in ("running", "warned") and promise.at is not None:
        verb = "We aim to resolve it by" if resolve else "We will respond by"
        return f"{verb} {when(promise.at)}."
    if promise.state == "breached" and promise.at is not None:
        return f"We are late (we aimed for {when(promise.at)}) and are on it."
    if promise.state == "paused":
        return "The desk is waiting for something from you; we go on as soon as you answer."
    if promise.state == "met" and not resolve:
        return "The desk has already picked it up."
    return ""


def requester_linked(ctx: RenderContext) -> Message:
    case = ctx.case
    text = (
        f"You have been added to *{case.ref}* ({safe(case.summary, 300)}), which the desk is "
        "already working on. You will get its updates here."
    )
    return Message(text=f"You have been added to {case.ref}.", blocks=as_dicts([section(text)]))


def requester_taken(ctx: RenderContext) -> Message:
    case = ctx.case
    taker = ctx.params.get("taker")
    text = f"*{case.ref}* is now being handled by {user(taker)}."
    return Message(text=f"{case.ref} is now being handled.", blocks=as_dicts([section(text)]))


def requester_reclassified(ctx: RenderContext) -> Message:
    case, policy = ctx.case, ctx.policy
    old = ctx.params.get("old_priority")
    if old and old != case.priority:
        text = (
            f"The priority of *{case.ref}* changed from {old} to "
            f"*{priority_label(policy, case)}*. {promise_sentence(next_promise(case))}"
        ).strip()
    else:
        text = f"The desk updated the details of *{case.ref}*; its priority stays {case.priority}."
    return Message(text=f"{case.ref} was updated.", blocks=as_dicts([section(text)]))


def requester_article(ctx: RenderContext) -> Message:
    """A knowledge-base article for the requester: a link, never a pasted copy (WORK-2)."""
    case = ctx.case
    p = ctx.params
    link = f"<{p.get('url', '')}|{p.get('article', '')} {safe(str(p.get('title', '')), 200)}>"
    text = f"About *{case.ref}*: the desk thinks this article may help you: {link}"
    return Message(
        text=f"About {case.ref}: an article that may help", blocks=as_dicts([section(text)])
    )


def requester_declined(ctx: RenderContext) -> Message:
    case = ctx.case
    reason = safe(str(ctx.params.get("reason", "")), 1500)
    text = (
        f"We are sorry: the desk cannot work on *{case.ref}* ({safe(case.summary, 300)}) "
        f"because the service is not supported.\n>{reason}"
    )
    return Message(text=f"{case.ref} was declined.", blocks=as_dicts([section(text)]))


def page(ctx: RenderContext) -> Message:
    """ROUTE-1: the command center's on-call is paged with where to go and a one-tap take."""
    case, policy = ctx.case, ctx.policy
    where = f"<#{case.channel_id}>" if case.channel_id else "the case channel"
    text = (
        f":rotating_light: *Page: {case.ref} · {priority_label(policy, case)}*\n"
        f"{safe(case.summary, 300)}\nJoin {where}: the handoff brief is pinned there."
    )
    blocks: list[Block] = [section(text)]
    if case.state == "pending":
        blocks.append(buttons("page", ("Take it", ACTION_TAKE, str(case.number), "primary")))
    elif case.state == "closed":
        blocks.append(context(f":white_check_mark: {case.ref} is closed."))
    else:
        blocks.append(context(f":white_check_mark: Taken: {user(case.coordinator_id)} has it."))
    return Message(text=f"Paged: {case.ref} {case.priority}", blocks=as_dicts(blocks))


def taken(ctx: RenderContext) -> Message:
    case = ctx.case
    taker = ctx.params.get("taker")
    text = f"{user(taker)} took {case.ref} and is now its coordinator."
    return Message(text=text, blocks=as_dicts([section(text)]))


def reclassified(ctx: RenderContext) -> Message:
    """CLASSIFY-4's note to the coordinator, the desk and the case channel."""
    case, policy = ctx.case, ctx.policy
    changed = ", ".join(FIELD_NAMES.get(f, f) for f in ctx.params.get("changed", []))
    old = ctx.params.get("old_priority")
    prio = (
        f"priority {old} → *{case.priority}*"
        if old and old != case.priority
        else f"priority stays {priority_label(policy, case)}"
    )
    reason = safe(str(ctx.params.get("reason", "")), 1500)
    text = (
        f"*{case.ref}* reclassified by {user(ctx.params.get('actor'))}: {changed}; {prio}."
        f"\n>{reason}"
    )
    return Message(
        text=clip(f"{case.ref} reclassified: {prio}", 300), blocks=as_dicts([section(text)])
    )


def contact_linked(ctx: RenderContext) -> Message:
    case = ctx.case
    summary = safe(str(ctx.params.get("summary", "")), 500)
    text = (
        f"Another contact was linked to *{case.ref}*: {user(ctx.params.get('requester'))} "
        f"reported \u201c{summary}\u201d."
    )
    return Message(text=f"Contact linked to {case.ref}", blocks=as_dicts([section(text)]))
