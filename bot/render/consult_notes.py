"""ROUTE-5's messages: the page to the consulted person, the note in the case channel, and the
coordinator's "keep it or transfer it?" with its answer."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import object_session

from bot.render.cards import ACTION_TAKE
from bot.render.common import (
    as_dicts,
    buttons,
    context,
    duration,
    priority_label,
    safe,
    section,
    user,
)
from bot.render.handoff_notes import brief_blocks
from bot.render.message import Message, RenderContext
from bot.text import clip
from store.models import Consult

ACTION_CONSULT_KEEP = "consult_keep"
# Not cards.ACTION_TRANSFER: that one opens the transfer itself; this records the decision.
ACTION_CONSULT_TRANSFER = "consult_transfer"
VIA = {"oncall": "the on-call technician", "supervisor": "the supervisor"}


def consult_page(ctx: RenderContext) -> Message:
    case, policy, row = ctx.case, ctx.policy, _consult(ctx)
    group = policy.groups[row.group_key]
    where = f"<#{case.channel_id}>" if case.channel_id else "the case channel"
    text = (
        f":pager: *Consult: {case.ref} · {priority_label(policy, case)}*\n"
        f"{user(row.requested_by)} asks {group.name} for help; {user(case.coordinator_id)} "
        f"stays coordinator. You have been added to {where} and get its updates."
    )
    blocks: list[Block] = [section(text)]
    if row.question:
        blocks.append(section(f"*Question:* {safe(row.question, 1500)}"))
    blocks += brief_blocks(ctx)
    if case.state == "pending" and row.group_key == case.group_key:
        # SLA-2's page of an unclaimed case: the on-call can take it from here
        blocks.append(
            buttons("consult_take", ("Take it", ACTION_TAKE, str(case.number), "primary"))
        )
    elif _taken_after(ctx, row):
        blocks.append(context(f":white_check_mark: Taken: {user(case.coordinator_id)} has it."))
    return Message(
        text=clip(f"Consult on {case.ref}: {case.summary}", 300), blocks=as_dicts(blocks)
    )


def consulted(ctx: RenderContext) -> Message:
    case, row = ctx.case, _consult(ctx)
    group = ctx.policy.groups[row.group_key]
    question = f"\n>{safe(row.question, 1500)}" if row.question else ""
    text = (
        f":pager: {user(row.requested_by)} consulted {group.name}: paged "
        f"{user(row.paged_user)}, {VIA.get(row.via, row.via)}. They join as an interested party; "
        f"{user(case.coordinator_id)} stays coordinator.{question}"
    )
    return Message(text=f"{case.ref}: {group.name} consulted", blocks=as_dicts([section(text)]))


def consult_followup(ctx: RenderContext) -> Message:
    case, row = ctx.case, _consult(ctx)
    group = ctx.policy.groups[row.group_key]
    ago = duration((ctx.now - row.requested_at).total_seconds())
    head = (
        f":thinking_face: *{case.ref}*: you consulted {group.name} ({user(row.paged_user)}) "
        f"{ago} ago. Keep it or transfer it?"
    )
    blocks: list[Block] = [section(head)]
    value = f"{case.number}:{row.id}"
    if row.decision is None:
        blocks.append(
            buttons(
                "consult",
                ("Keep it", ACTION_CONSULT_KEEP, value, "primary"),
                ("Transfer it", ACTION_CONSULT_TRANSFER, value, None),
            )
        )
    elif row.decision == "keep":
        blocks.append(context(f"Decided by {user(row.decided_by)}: keep it"))
    else:
        blocks.append(
            context(f"Decided by {user(row.decided_by)}: transfer it. {transfer_hint(ctx)}")
        )
    return Message(text=f"{case.ref}: keep it or transfer it?", blocks=as_dicts(blocks))


def transfer_hint(ctx: RenderContext) -> str:
    return (
        f"Use `/case transfer {ctx.case.ref} <group> <reason>` or the Transfer button on the "
        "case card."
    )


def _taken_after(ctx: RenderContext, row: Consult) -> bool:
    """The case was taken from its queue after this page went out."""
    return any(e.kind == "taken" and e.at >= row.requested_at for e in ctx.case.events)


def _consult(ctx: RenderContext) -> Consult:
    session = object_session(ctx.case)
    found = session.get(Consult, int(ctx.params.get("consult", 0))) if session else None
    if found is None:
        raise ValueError("the consult of this message no longer exists")
    return found
