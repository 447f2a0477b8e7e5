"""WORK-1's messages: the estimate buttons, the promise to the requester, the reminders."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.blocks import Block

from bot.estimates import KINDS, PRESETS
from bot.render.common import as_dicts, buttons, context, safe, section, user, when
from bot.render.message import Message, RenderContext
from bot.sla import METRIC_LABELS
from bot.targets import due
from store.models import Case

ACTION_ESTIMATE_PRESET = "estimate_preset"  # + "_<preset>"; value "<case number>"
ACTION_ESTIMATE_OTHER = "estimate_other"
SAME_TIME = timedelta(minutes=1)  # "30 min" pressed a moment after the take is the 30 min target


def estimate_buttons(case: Case) -> Block:
    """One tap for a next-contact promise; "Other…" for a resolution time or a set time."""
    value = str(case.number)
    specs: list[tuple[str, str, str, str | None]] = [
        (label, f"{ACTION_ESTIMATE_PRESET}_{preset}", value, None)
        for preset, label in PRESETS.items()
    ]
    specs.append(("Other…", ACTION_ESTIMATE_OTHER, value, "primary"))
    return buttons(f"estimate_{case.number}", *specs)


def promise_text(case: Case) -> str:
    if case.estimate_at is None or case.estimate_kind is None:
        return "none yet"
    return f"{KINDS[case.estimate_kind]} by {when(case.estimate_at)}"


def past_target(case: Case) -> str:
    """A promise later than the clock it answers to (next update for a contact, resolution for a
    resolution) will breach it first: the promiser is told, with the clock's due time."""
    if case.estimate_at is None or case.estimate_kind is None:
        return ""
    metric = "resolution" if case.estimate_kind == "resolution" else "next_update"
    clock = due(case, metric)
    if clock.state not in ("running", "warned") or clock.at is None:
        return ""
    if case.estimate_at <= clock.at + SAME_TIME:
        return ""
    label = METRIC_LABELS[metric].lower()
    return (
        f" :warning: That is after the {label} target, due {when(clock.at)}: the clock will be "
        "missed first unless you contact the requester sooner."
        if metric == "next_update"
        else f" :warning: That is after the {label} target, due {when(clock.at)}."
    )


def ask_for_estimate(case: Case, lead: str) -> list[dict[str, object]]:
    """The blocks of "you took it: now tell the requester when they will hear from you"."""
    return as_dicts(
        [
            section(
                f"{lead}\n*Give {user(case.requester_id)} an estimate*: when will they next hear "
                "from you? (Other… for a resolution time or a time of your choice.)"
            ),
            estimate_buttons(case),
        ]
    )


def requester_estimate(ctx: RenderContext) -> Message:
    case = ctx.case
    coordinator = user(case.coordinator_id)
    at = case.estimate_at or ctx.now
    if case.estimate_kind == "resolution":
        text = f"*{case.ref}*: {coordinator} expects your request to be resolved by {when(at)}."
    else:
        text = f"*{case.ref}*: {coordinator} is on it and will contact you again by {when(at)}."
    text += f"\n_{safe(case.summary, 300)}_"
    return Message(text=f"{case.ref}: an estimate from the desk", blocks=as_dicts([section(text)]))


def estimate_given(ctx: RenderContext) -> Message:
    case = ctx.case
    text = (
        f"{user(ctx.params.get('actor'))} promised the requester the "
        f"{promise_text(case)} ({case.ref})."
    )
    return Message(text=text, blocks=as_dicts([section(text)]))


def promise_due(ctx: RenderContext) -> Message:
    case = ctx.case
    promised = promise_text(case)
    text = (
        f":alarm_clock: *{case.ref}*: you promised {user(case.requester_id)} the {promised}, "
        "and it is due with no contact on the record. Contact them now (`/case tell` or "
        "`/case update`), or give a new estimate:"
    )
    blocks: list[Block] = [section(text), estimate_buttons(case)]
    if ctx.params.get("late"):
        blocks.append(context("Sent late: the bot was not running when this fell due."))
    return Message(
        text=f"{case.ref}: your promise to the requester is due", blocks=as_dicts(blocks)
    )


def estimate_needed(ctx: RenderContext) -> Message:
    case = ctx.case
    blocks = ask_for_estimate(
        case, f":hourglass: *{case.ref}*: you took it but the requester has no estimate yet."
    )
    return Message(text=f"{case.ref}: the requester is waiting for an estimate", blocks=blocks)
