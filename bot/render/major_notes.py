"""WORK-6's messages: a requester told their case is part of a wider incident, the parent's
updates and close reaching them, and the parent's channel told of each linked case; and
BCAST-1's resolution, posted to the broadcast channel as a message of its own."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlalchemy import select
from sqlalchemy.orm import object_session

from bot.closure import FIX_KINDS, RESTORED
from bot.render.common import (
    as_dicts,
    context,
    fields_section,
    safe,
    section,
    service_label,
    user,
    when,
)
from bot.render.message import Message, RenderContext
from bot.text import clip
from store.models import Case, CaseEvent


def _case(ctx: RenderContext, key: str) -> Case | None:
    session = object_session(ctx.case)
    number = ctx.params.get(key)
    if session is None or number is None:
        return None
    return session.execute(select(Case).where(Case.number == int(number))).scalar_one_or_none()


def _ref(ctx: RenderContext, key: str) -> str:
    return f"CASE-{ctx.params.get(key)}"


def _footer(ctx: RenderContext) -> str:
    return f"{ctx.policy.desk_name} · quote {ctx.case.ref} whenever you contact us about it"


def requester_part_of_major(ctx: RenderContext) -> Message:
    parent = _case(ctx, "parent")
    about = f": {safe(parent.summary, 200)}" if parent else ""
    text = (
        f"*Your request {ctx.case.ref}* is part of a wider incident, {_ref(ctx, 'parent')}"
        f"{about}. A team is working on it; you will get its updates here and hear when it is "
        "resolved. There is nothing more you need to do."
    )
    blocks = [section(text), context(_footer(ctx))]
    return Message(text=f"{ctx.case.ref} is part of {_ref(ctx, 'parent')}", blocks=as_dicts(blocks))


def requester_unlinked(ctx: RenderContext) -> Message:
    text = (
        f"*Your request {ctx.case.ref}* turned out not to be part of {_ref(ctx, 'parent')}; "
        "it is being handled on its own and you will hear from us about it."
    )
    return Message(text=clip(text, 300), blocks=as_dicts([section(text), context(_footer(ctx))]))


def linked_to_parent(ctx: RenderContext) -> Message:
    text = (
        f":link: *{ctx.case.ref}*, which you coordinate, is now part of {_ref(ctx, 'parent')}. "
        "Its requester gets the parent's updates, and it closes when the parent closes."
    )
    return Message(text=clip(text, 300), blocks=as_dicts([section(text)]))


def child_linked(ctx: RenderContext) -> Message:
    child = _case(ctx, "child")
    who = f" ({user(child.requester_id)}: {safe(child.summary, 150)})" if child else ""
    by = ctx.params.get("by")
    linker = user(by) if by else "Casedesk"
    why = f" ({safe(str(ctx.params['reason']), 150)})" if ctx.params.get("reason") else ""
    text = f":link: {linker} linked {_ref(ctx, 'child')}{who} to this incident{why}."
    return Message(text=clip(text, 300), blocks=as_dicts([section(text)]))


def requester_parent_update(ctx: RenderContext) -> Message:
    parent = _case(ctx, "parent")
    wanted = ctx.params.get("event")
    event: CaseEvent | None = (
        next((e for e in parent.events if e.id == wanted), None) if parent else None
    )
    update = event.new_value if event and event.new_value else ""
    text = (
        f"*Update on {_ref(ctx, 'parent')}*, the incident your request {ctx.case.ref} is part "
        f"of:\n{safe(update, 2500)}"
    )
    blocks = [section(text), context(_footer(ctx))]
    return Message(
        text=clip(f"Update on {_ref(ctx, 'parent')}: {update}", 300), blocks=as_dicts(blocks)
    )


def requester_closed_with_parent(ctx: RenderContext) -> Message:
    parent = _case(ctx, "parent")
    done = ""
    if parent and parent.resolution:
        done = f"\n*What was done:* {safe(parent.resolution.done, 1500)}"
    text = (
        f"*{_ref(ctx, 'parent')} is resolved*, and with it your request {ctx.case.ref} "
        f"({safe(ctx.case.summary, 200)}) is closed.{done}\nIf it still does not work for you, "
        "tell us here."
    )
    blocks = [section(text), context(_footer(ctx))]
    return Message(
        text=f"{ctx.case.ref} is closed with {_ref(ctx, 'parent')}", blocks=as_dicts(blocks)
    )


def broadcast_resolution(ctx: RenderContext) -> Message:
    """BCAST-1: the major incident's end, as a new message in the broadcast channel, so everyone
    who read the first notice sees it (an edit of that notice notifies nobody)."""
    case, policy = ctx.case, ctx.policy
    record = case.closure
    code = policy.closure_code(case.closure_code or "")
    resolved = code is not None and code.resolved
    verb = "Resolved" if resolved else "Closed"
    headline = (
        f":white_check_mark: *{verb}: major incident {case.ref}*\n*{safe(case.summary, 300)}*"
    )
    done = case.resolution.done if case.resolution else None
    pairs = [
        ("Service", service_label(policy, case)),
        ("Outcome", RESTORED.get(record.restored if record else "", code.label if code else "")),
        ("Reported", when(case.first_contact_at)),
        (verb, when(case.closed_at or case.updated_at)),
    ]
    if resolved and record is not None and record.fix in FIX_KINDS:
        pairs.append(("Fix", FIX_KINDS[record.fix]))
    pairs.append(("Coordinator", user(case.coordinator_id)))
    blocks: list[Block] = [section(headline, block_id="headline"), fields_section(pairs)]
    if done:
        blocks.append(section(f"*What was done:* {safe(done, 1500)}"))
    blocks.append(
        context(
            f"Still affected? Tell the desk and quote {case.ref}; cases linked to it are closed "
            "with it and their requesters told."
        )
    )
    return Message(
        text=f"{verb}: major incident {case.ref}: {clip(case.summary, 150)}",
        blocks=as_dicts(blocks),
    )
