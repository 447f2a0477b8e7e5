"""ROUTE-4 and ROUTE-7's messages: the move told to the team, and to the requester in plain
words (never the internal reason)."""

from __future__ import annotations

from bot.render.common import as_dicts, group_label, safe, section, user
from bot.render.message import Message, RenderContext


def reassigned(ctx: RenderContext) -> Message:
    case, params = ctx.case, ctx.params
    verb = "escalated" if params.get("how") == "escalate" else "transferred"
    text = (
        f":arrow_heading_up: {user(params.get('actor'))} {verb} *{case.ref}* to "
        f"*{group_label(ctx.policy, case)}*: {safe(str(params.get('reason', '')), 600)}\n"
        f"{user(case.coordinator_id)} stays coordinator until someone there takes it."
    )
    return Message(text=f"{case.ref} was {verb}", blocks=as_dicts([section(text)]))


def requester_reassigned(ctx: RenderContext) -> Message:
    case = ctx.case
    team = group_label(ctx.policy, case)
    why = (
        "a team with more specialised expertise"
        if ctx.params.get("how") == "escalate"
        else "the team that handles this kind of problem"
    )
    text = (
        f"*{case.ref}*: your request has moved to {team}, {why}. You do not need to repeat "
        "anything: they have its full history. They will tell you when to expect the next "
        f"contact once they pick it up.\n_{safe(case.summary, 300)}_"
    )
    return Message(text=f"{case.ref} has moved to {team}", blocks=as_dicts([section(text)]))


def returned_to_owner(ctx: RenderContext) -> Message:
    case, params = ctx.case, ctx.params
    group = ctx.policy.groups.get(str(params.get("group", "")))
    source = group.name if group else "the resolver group"
    text = (
        f":leftwards_arrow_with_hook: *{case.ref}* was returned to its owner by "
        f"{user(params.get('actor'))} of {source}. Coordinator: {user(case.coordinator_id)}.\n"
        f"{safe(str(params.get('note', '')), 1500)}"
    )
    return Message(text=f"{case.ref} was returned to its owner", blocks=as_dicts([section(text)]))
