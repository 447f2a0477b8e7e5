"""Messages about a case's monitoring alerts (INTAKE-4, CLOSE-1): a new alert joined its group,
every alert resolved (the coordinator is asked to propose the resolution; nothing is closed by
a machine), and a group that fired again after its case closed."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.render.closure_notes import ACTION_RESOLVE
from bot.render.common import as_dicts, buttons, safe, section
from bot.render.message import Message, RenderContext
from bot.text import clip

SHOWN = 10


def alert_joined(ctx: RenderContext) -> Message:
    case = ctx.case
    lines = [str(line) for line in ctx.params.get("alerts", [])]
    count = int(ctx.params.get("count", len(lines)))
    listed = "\n".join(f"• {safe(line, 200)}" for line in lines[:SHOWN])
    more = f"\n…and {count - SHOWN} more" if count > SHOWN else ""
    noun = "A new alert" if count == 1 else f"{count} new alerts"
    text = (
        f":rotating_light: {noun} joined the alert group of *{case.ref}* "
        f"({safe(case.summary, 150)}):\n{listed}{more}"
    )
    return Message(text=clip(f"{noun} on {case.ref}", 300), blocks=as_dicts([section(text)]))


def alerts_resolved(ctx: RenderContext) -> Message:
    case = ctx.case
    count = int(ctx.params.get("count", 0))
    every = "Its alert has" if count == 1 else f"All {count} alerts of its group have"
    text = (
        f":large_green_circle: *{case.ref}* ({safe(case.summary, 150)}): {every} resolved in "
        "monitoring. Nothing is closed by the bot: check the service is really back, then "
        "propose the resolution, and the requester is asked to confirm."
    )
    blocks: list[Block] = [section(text)]
    if case.state not in ("waiting_on_coordinator", "resolved", "closed"):
        blocks.append(
            buttons(
                f"alerts_resolved_{case.number}",
                ("Propose the resolution", ACTION_RESOLVE, str(case.number), "primary"),
            )
        )
    return Message(text=clip(f"{case.ref}: its alerts resolved", 300), blocks=as_dicts(blocks))


def alert_recurrence(ctx: RenderContext) -> Message:
    case = ctx.case
    previous = ctx.params.get("previous")
    text = (
        f":repeat: *{case.ref}* ({safe(case.summary, 150)}) is a recurrence: the same alert "
        f"group fired again after CASE-{previous} was closed. Look at what CASE-{previous} "
        "found before you start."
    )
    return Message(
        text=clip(f"{case.ref} is a recurrence of CASE-{previous}", 300),
        blocks=as_dicts([section(text)]),
    )
