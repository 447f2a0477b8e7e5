"""ROUTE-6's card in the case channel: three questions with Yes / No, filled in place as the
command center answers, and the suggested outcome once all three are in."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DividerBlock

from bot import command_center_test as cc
from bot.render.common import as_dicts, buttons, context, section, user
from bot.render.message import Message, RenderContext
from bot.sla import STOPPED_STATES

ACTION_PREFIX = "cc_test_"
OUTCOMES = {
    "transfer": ":arrow_right: *Suggested: transfer it* to the group that can resolve it "
    "(`/case transfer` or the Transfer button on the case card).",
    "keep": ":house: *Suggested: keep it in the command center.*",
}


def cc_test(ctx: RenderContext) -> Message:
    case, policy = ctx.case, ctx.policy
    number = int(ctx.params.get("round", 1))
    given = cc.answers(case, number)
    live = number == cc.current_round(case) and case.state not in STOPPED_STATES
    blocks: list[Block] = [
        section(
            f":mag: *Can {policy.command_center_name} resolve {case.ref} here?* "
            f"(round {number}) Only the command center answers."
        )
    ]
    for key in cc.QUESTIONS:
        text = cc.question_text(policy, key)
        if key in given:
            value, by = given[key]
            blocks.append(section(f"{text} *{value.capitalize()}* ({user(by)})"))
        elif live:
            blocks.append(section(text))
            value = f"{case.number}:{number}:{key}"
            blocks.append(
                buttons(
                    f"cc_{key}",
                    ("Yes", f"{ACTION_PREFIX}{key}_yes", f"{value}:yes", None),
                    ("No", f"{ACTION_PREFIX}{key}_no", f"{value}:no", None),
                )
            )
        else:
            blocks.append(section(f"{text} _not answered_"))
    if len(given) == len(cc.QUESTIONS):
        outcome = cc.suggestion({k: v for k, (v, _) in given.items()})
        blocks += [DividerBlock(), section(OUTCOMES[outcome])]
    elif not live:
        blocks.append(context("This round is over."))
    return Message(text=f"Can the command center resolve {case.ref} here?", blocks=as_dicts(blocks))


def cc_test_outcome(ctx: RenderContext) -> Message:
    case = ctx.case
    outcome = str(ctx.params.get("outcome", "keep"))
    text = f"{case.ref}, round {ctx.params.get('round')}: {OUTCOMES.get(outcome, outcome)}"
    return Message(text=f"{case.ref}: suggested {outcome}", blocks=as_dicts([section(text)]))
