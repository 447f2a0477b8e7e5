"""WORK-3's message when a planned change is taken off the schedule: the coordinator of each
open case it flagged learns the case is no longer explained by planned work."""

from __future__ import annotations

from bot.render.common import as_dicts, safe, section, user
from bot.render.message import Message, RenderContext


def planned_outage_removed(ctx: RenderContext) -> Message:
    case, params = ctx.case, ctx.params
    ref, why = str(params.get("change", "")), str(params.get("reason", ""))
    because = f": {safe(why, 500)}" if why else ""
    text = (
        f":calendar: {user(params.get('by'))} removed *{ref}* from the schedule{because}.\n"
        f"*{case.ref}* ({safe(case.summary, 200)}) is no longer flagged as inside it, so it cannot "
        "be closed as a planned outage: work it like any other case."
    )
    return Message(
        text=f"{ref} removed: {case.ref} is no longer a planned outage",
        blocks=as_dicts([section(text)]),
    )
