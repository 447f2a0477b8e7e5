"""INTAKE-5's page to the command center's on-call: an automated contact that would be major
waits for them to confirm or correct it before the case channel opens and the broadcast goes
out. Keyed, so it is redrawn in place once someone decides (and then offers Take it)."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot import validation
from bot.render.cards import ACTION_CONFIRM, ACTION_CORRECT, ACTION_TAKE, level_label
from bot.render.common import (
    as_dicts,
    buttons,
    context,
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
from store.models import Validation


def validation_page(ctx: RenderContext) -> Message:
    case, policy = ctx.case, ctx.policy
    head = f"*{case.ref}* · {priority_label(policy, case)}\n*{safe(case.summary, 300)}*"
    facts = fields_section(
        [
            ("Service", service_label(policy, case)),
            ("Impact / urgency", f"{level_label(case.impact)} / {level_label(case.urgency)}"),
            ("Requester", user(case.requester_id)),
            ("Recorded", when(case.first_contact_at)),
        ]
    )
    if validation.held_for_major(policy, case):
        text = (
            f":rotating_light: *Needs validation: {validation.claim(policy, case)}.* Confirm or "
            f"correct it before the case channel opens and the broadcast goes out.\n{head}"
        )
        blocks: list[Block] = [
            section(text),
            facts,
            buttons(
                "validate",
                ("Confirm", ACTION_CONFIRM, str(case.number), "primary"),
                ("Correct classification", ACTION_CORRECT, str(case.number), None),
            ),
        ]
        return Message(
            text=f"Needs validation: {validation.claim(policy, case)} for {case.ref}",
            blocks=as_dicts(blocks),
        )
    blocks = [section(f"{_decided(ctx)}\n{head}"), *_next(ctx)]
    return Message(text=f"{case.ref}: validation decided", blocks=as_dicts(blocks))


def _decided(ctx: RenderContext) -> str:
    case = ctx.case
    if case.validation == Validation.NEEDED:  # closed before anyone decided
        return f":white_check_mark: {case.ref} was closed before anyone confirmed it."
    how = "Confirmed" if case.validation == Validation.CONFIRMED else "Corrected"
    at = f" {when(case.validated_at)}" if case.validated_at else ""
    return f":white_check_mark: *{how}* by {user(case.validated_by)}{at}."


def _next(ctx: RenderContext) -> list[Block]:
    case, policy = ctx.case, ctx.policy
    if case.state == "closed":
        return [context(f"{case.ref} is closed.")]
    if not case.is_major:
        return [
            context(
                f"Now {priority_label(policy, case)} in the queue of "
                f"{group_label(policy, case)}: no case channel, no broadcast."
            )
        ]
    where = f"<#{case.channel_id}>" if case.channel_id else "the case channel (opening now)"
    blocks: list[Block] = [
        context(f"Major incident: join {where}, the handoff brief is pinned there.")
    ]
    if case.state == "pending":
        blocks.append(buttons("page", ("Take it", ACTION_TAKE, str(case.number), "primary")))
    else:
        blocks.append(context(f"Taken: {user(case.coordinator_id)} has it."))
    return blocks
