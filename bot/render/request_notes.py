"""WORK-5's messages: an information answer with receipt buttons, a fulfillment procedure's
checklist, the manager's authorisation, and the requester told of each step in plain words."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.render.common import as_dicts, buttons, context, row_of, safe, section, user
from bot.render.message import Message, RenderContext
from bot.requests import procedure_state
from bot.text import clip
from store.models import Rfc

ACTION_GOT_IT = "information_got_it"
ACTION_NOT_ANSWERED = "information_not_answered"
ACTION_PREREQ = "request_prereq"
ACTION_AUTHORIZE = "request_authorize"


def _footer(ctx: RenderContext) -> str:
    return f"{ctx.policy.desk_name} · quote {ctx.case.ref} whenever you contact us about it"


def information_answer(ctx: RenderContext) -> Message:
    case = ctx.case
    links = "\n".join(
        f"• <{a['url']}|{safe(str(a['title']), 150)}> ({a['id']})"
        for a in ctx.params.get("articles") or []
    )
    blocks: list[Block] = [
        section(f"*{case.ref}* · {safe(case.summary, 200)}\nThese answer your question:\n{links}")
    ]
    if case.state == "resolved" and case.verified_at is None:
        value = str(case.number)
        blocks.append(
            buttons(
                "receipt",
                ("Got it, thanks", ACTION_GOT_IT, value, "primary"),
                ("I still need help", ACTION_NOT_ANSWERED, value, None),
            )
        )
    elif case.verified_at is not None:
        blocks.append(context(":white_check_mark: You confirmed you got the answer. Thank you."))
    blocks.append(context(_footer(ctx)))
    return Message(text=f"{case.ref}: the answer to your question", blocks=as_dicts(blocks))


def request_procedure(ctx: RenderContext) -> Message:
    case = ctx.case
    state = procedure_state(ctx.policy, case)
    if not state:
        return Message(text=f"{case.ref} follows no catalog procedure.")
    item = state["item"]
    lines = [
        f"{':white_check_mark:' if met else ':white_square:'} {i}. {safe(text, 200)}"
        for i, text, met in state["prerequisites"]
    ] or ["No prerequisites."]
    approval = {
        "pending": ":hourglass: waiting for a manager's authorisation",
        "approved": ":white_check_mark: authorised",
        "refused": ":no_entry: refused: close the case",
        "not_needed": "no authorisation needed",
    }.get(str(state["approval"]), "")
    blocks: list[Block] = [
        section(
            f"*{case.ref}* follows the catalog procedure *{safe(item.name, 150)}*\n"
            + "\n".join(lines)
            + f"\n*Authorisation:* {approval}"
        )
    ]
    open_ones = [
        (f"{i}. met", f"{ACTION_PREREQ}_{i}", f"{case.number}:{i}", None)
        for i, _text, met in state["prerequisites"]
        if not met
    ][:5]
    if open_ones and case.state != "closed":
        blocks.append(buttons("prereq", *open_ones))
    return Message(text=f"{case.ref}: the procedure for {item.name}", blocks=as_dicts(blocks))


def request_authorization(ctx: RenderContext) -> Message:
    case = ctx.case
    state = procedure_state(ctx.policy, case)
    name = state["item"].name if state else "a catalog request"
    decided = state.get("approval") if state else None
    text = (
        f":memo: *{case.ref}* asks for *{safe(name, 150)}* for {user(case.requester_id)}: "
        f"{safe(case.summary, 200)}."
    )
    blocks: list[Block] = [section(text)]
    if decided == "pending":
        blocks.append(
            buttons("authorize", ("Authorise", ACTION_AUTHORIZE, str(case.number), "primary"))
        )
        blocks.append(context(f"To refuse: `/case refuse {case.ref} <reason>`"))
    else:
        blocks.append(context(f"Decided: {str(decided).replace('_', ' ')}"))
    return Message(text=f"{case.ref} needs your authorisation", blocks=as_dicts(blocks))


def requester_request_waits(ctx: RenderContext) -> Message:
    text = (
        f"*Your request {ctx.case.ref}* ({safe(str(ctx.params.get('item', '')), 150)}) needs a "
        "manager's authorisation first; we will tell you as soon as it is given."
    )
    return Message(text=clip(text, 300), blocks=as_dicts([section(text), context(_footer(ctx))]))


def requester_request_decided(ctx: RenderContext) -> Message:
    if ctx.params.get("approve"):
        text = f"*Your request {ctx.case.ref}* is authorised; work on it starts now."
    else:
        reason = safe(str(ctx.params.get("reason", "")), 500)
        text = f"*Your request {ctx.case.ref}* was not authorised: {reason}"
    return Message(text=clip(text, 300), blocks=as_dicts([section(text), context(_footer(ctx))]))


def _rfc(ctx: RenderContext) -> Rfc | None:
    return row_of(ctx, Rfc, "rfc")


def requester_rfc(ctx: RenderContext) -> Message:
    rfc = _rfc(ctx)
    if rfc is None:
        return Message(text=f"Your request {ctx.case.ref} is being handled.")
    if rfc.kind == "standard":
        text = (
            f"*Your request {ctx.case.ref}* is a standard change ({rfc.ref}: "
            f"{safe(rfc.title, 200)}); the desk carries it out and tells you when it is done."
        )
    else:
        text = (
            f"*Your request {ctx.case.ref}* needs a change to our services: it is now request "
            f"for change {rfc.ref}, which goes to the change advisory process. We will tell you "
            "its outcome."
        )
    return Message(text=clip(text, 300), blocks=as_dicts([section(text), context(_footer(ctx))]))


def rfc_card(ctx: RenderContext) -> Message:
    rfc = _rfc(ctx)
    case = ctx.case
    if rfc is None:
        return Message(text=f"A request for change from {case.ref}.")
    text = (
        f":clipboard: *{rfc.ref}* · request for change from *{case.ref}* · service "
        f"`{case.service_key}`\n{safe(rfc.title, 300)}\nRequested by {user(case.requester_id)}, "
        f"raised by {user(rfc.created_by)}.\n>{safe(case.description or case.summary, 1500)}"
    )
    return Message(text=f"{rfc.ref}: {clip(rfc.title, 200)}", blocks=as_dicts([section(text)]))
