"""WORK-6's messages: a requester told their case is part of a wider incident, the parent's
updates and close reaching them, and the parent's channel told of each linked case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from bot.render.common import as_dicts, context, safe, section, user
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
    text = f":link: {user(ctx.params.get('by'))} linked {_ref(ctx, 'child')}{who} to this incident."
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
        done = f"\n*What was done:* {safe(str(parent.resolution.get('done', '')), 1500)}"
    text = (
        f"*{_ref(ctx, 'parent')} is resolved*, and with it your request {ctx.case.ref} "
        f"({safe(ctx.case.summary, 200)}) is closed.{done}\nIf it still does not work for you, "
        "tell us here."
    )
    blocks = [section(text), context(_footer(ctx))]
    return Message(
        text=f"{ctx.case.ref} is closed with {_ref(ctx, 'parent')}", blocks=as_dicts(blocks)
    )
