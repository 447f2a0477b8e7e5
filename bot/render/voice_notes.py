"""BCAST-4's messages: the desk's one voice to the requester, and the requester's replies
relayed to the people working the case."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.render.common import as_dicts, buttons, context, row_of, safe, section, user
from bot.render.message import Message, RenderContext
from bot.render.sla_notes import event_of
from bot.text import clip
from store.models import IntakeDraft


def requester_message(ctx: RenderContext) -> Message:
    """A message from the coordinator, sent by the bot in the desk's name."""
    case, policy = ctx.case, ctx.policy
    event = event_of(ctx)
    text = (event.new_value or "") if event else ""
    blocks: list[Block] = [
        section(f"*{case.ref}* · {safe(case.summary, 200)}\n{safe(text, 2800)}"),
        context(
            f"{policy.desk_name} · reply here to answer; quote {case.ref} whenever you contact "
            "us about it"
        ),
    ]
    return Message(text=clip(f"{case.ref}: {text}", 300), blocks=as_dicts(blocks))


def customer_message_sent(ctx: RenderContext) -> Message:
    """The team sees what the requester was told (so nobody contradicts it)."""
    case = ctx.case
    event = event_of(ctx)
    text = (event.new_value or "") if event else ""
    by = user(event.actor_id) if event else "the desk"
    line = f":outbox_tray: {by} wrote to the requester of *{case.ref}*:\n>{safe(text, 2800)}"
    return Message(
        text=clip(f"To the requester of {case.ref}: {text}", 300), blocks=as_dicts([section(line)])
    )


def requester_replied(ctx: RenderContext) -> Message:
    case = ctx.case
    event = event_of(ctx)
    text = (event.new_value or "") if event else ""
    line = (
        f":inbox_tray: {user(case.requester_id)} replied about *{case.ref}*:\n>{safe(text, 2800)}"
    )
    return Message(
        text=clip(f"{case.ref}: the requester replied: {text}", 300),
        blocks=as_dicts(
            [section(line), context("Answer them with `/case tell`; it is on the timeline.")]
        ),
    )


def requester_reply_received(ctx: RenderContext) -> Message:
    case = ctx.case
    text = (
        f"Thanks: your reply is on *{case.ref}* and {user(case.coordinator_id)} has it. You do "
        "not need to send it again."
    )
    return Message(text=f"Your reply is on {case.ref}.", blocks=as_dicts([section(text)]))


ACTION_DM_YES = "dm_about_case"  # value "<case number>:<draft id>"
ACTION_DM_NEW = "dm_something_new"


def dm_question(ctx: RenderContext) -> Message:
    """BCAST-4: one open case, and a message that may be about something else: ask."""
    case = ctx.case
    draft = row_of(ctx, IntakeDraft, "draft")
    words = str((draft.fields if draft else {}).get("description", ""))
    value = f"{case.number}:{ctx.params.get('draft')}"
    blocks: list[Block] = [
        section(f"Is this about *{case.ref}* ({safe(case.summary, 200)})?\n>{safe(words, 1500)}"),
        buttons(
            "dm_question",
            ("Yes", ACTION_DM_YES, value, "primary"),
            ("No, it's something new", ACTION_DM_NEW, value, None),
        ),
        context(f"{ctx.policy.desk_name} · nothing is recorded until you answer"),
    ]
    return Message(text=f"Is this about {case.ref}?", blocks=as_dicts(blocks))
