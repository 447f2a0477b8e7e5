"""The three cards that show one case and are edited in place as it changes:
the queue card (ROUTE-2), the handoff brief in the case channel (ROUTE-1), the broadcast notice.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock
from sqlalchemy import select
from sqlalchemy.orm import object_session

from bot import validation
from bot.changes import planned_outage_of
from bot.render.clock_state import clock_alerts, first_response_field
from bot.render.closure_notes import ACTION_CLOSE, ACTION_RESOLVE, ACTION_VERIFY
from bot.render.common import (
    as_dicts,
    buttons,
    category_label,
    context,
    fields_section,
    group_label,
    priority_label,
    safe,
    section,
    service_label,
    type_label,
    user,
    when,
)
from bot.render.estimate_notes import promise_text
from bot.render.message import Message, RenderContext
from bot.text import clip
from bot.vocabulary import NEEDS_OVERRIDE, RECENT_CHANGES, STATES, SUPPORT_STATUSES, label
from store.models import Case

ACTION_TAKE = "case_take"
ACTION_RECLASSIFY = "case_reclassify"
ACTION_OVERRIDE = "case_override"
ACTION_DECLINE = "case_decline"
ACTION_COMPLETE = "case_complete"
ACTION_HANDOFF = "case_handoff"
ACTION_CONSULT = "case_consult"
ACTION_ESCALATE = "case_escalate"
ACTION_TRANSFER = "case_transfer"
ACTION_RETURN = "case_return"
ACTION_PLANNED_OUTAGE = "case_planned_outage"
ACTION_CONFIRM = "case_confirm"  # INTAKE-5
ACTION_CORRECT = "case_correct"  # INTAKE-5: opens the reclassify modal


def queue_card(ctx: RenderContext) -> Message:
    """One message per case in the group's queue, with "Take it" while nobody has it."""
    case, policy = ctx.case, ctx.policy
    state = STATES.get(case.state, case.state)
    title = (
        f"*{case.ref}* · {priority_label(policy, case)} · {state} in {group_label(policy, case)}"
    )
    alerts = "".join(f"\n{line}" for line in clock_alerts(ctx))
    blocks: list[Block] = [
        section(f"{title}\n*{safe(case.summary, 300)}*{alerts}", block_id="summary"),
        fields_section(_classification_fields(ctx)),
        context(*_status_notes(ctx)),
    ]
    blocks += _case_actions(ctx)
    text = f"{case.ref} {case.priority}: {clip(case.summary, 150)} ({state})"
    return Message(text=text, blocks=as_dicts(blocks))


def case_brief(ctx: RenderContext) -> Message:
    """The handoff brief (ROUTE-1/3): enough that nobody asks the customer to repeat the story."""
    case, policy = ctx.case, ctx.policy
    contact = [user(case.requester_id)]
    contact += [
        safe(x, 300)
        for x in (case.contact_phone, case.contact_email, case.contact_location, case.contact_notes)
        if x
    ]
    known = [
        ("What is wrong", case.description or case.summary),
        ("What the failure looks like", case.failure_looks_like),
        ("What success looks like", case.success_looks_like),
        ("Steps to reproduce", case.steps_to_reproduce),
        ("What changed recently", _recent_change(ctx)),
        ("Evidence", case.evidence),
    ]
    tried = [e for e in case.events if e.kind == "note"]
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"{case.ref} · {priority_label(policy, case)}", 150)),
        section(f"*{safe(case.summary, 300)}*", block_id="summary"),
        fields_section(_classification_fields(ctx)),
        section("*Customer contact*\n" + " · ".join(contact)),
        DividerBlock(),
        section("\n".join(f"*{k}:* {safe(v, 600)}" for k, v in known if v) or "No details yet."),
        section(
            "*What was tried:* "
            + ("; ".join(safe(e.reason or "", 300) for e in tried) if tried else "nothing yet")
        ),
        section(
            f"*Status:* {STATES.get(case.state, case.state)} · coordinator "
            f"{user(case.coordinator_id)} · next promised contact: {promise_text(case)}"
            + "".join(f"\n{line}" for line in clock_alerts(ctx))
        ),
    ]
    if case.source_permalink:
        blocks.append(context(f"Opened from <{case.source_permalink}|this message>"))
    blocks.append(context(*_status_notes(ctx)))
    blocks += _case_actions(ctx)
    text = f"Handoff brief for {case.ref}: {clip(case.summary, 150)}"
    return Message(text=text, blocks=as_dicts(blocks))


def broadcast_notice(ctx: RenderContext) -> Message:
    """BCAST-1's notice: the one place the organisation learns of a major incident."""
    case, policy = ctx.case, ctx.policy
    if case.state == "closed":
        headline = f":white_check_mark: *Closed:* {case.ref} · {safe(case.summary, 300)}"
    elif case.is_major:
        headline = f":rotating_light: *Major incident {case.ref}* · {priority_label(policy, case)}"
        headline += f"\n*{safe(case.summary, 300)}*"
    else:
        headline = (
            f":arrow_down: *{case.ref} is no longer a major incident* (now "
            f"{priority_label(policy, case)}): {safe(case.summary, 300)}"
        )
    channel = f"<#{case.channel_id}>" if case.channel_id else "being opened"
    blocks: list[Block] = [
        section(headline, block_id="headline"),
        fields_section(
            [
                ("Service", service_label(policy, case)),
                ("Status", STATES.get(case.state, case.state)),
                ("Handled by", policy.command_center_name),
                ("Coordinator", user(case.coordinator_id)),
                ("Case channel", channel),
                ("Reported", when(case.first_contact_at)),
            ]
        ),
        context(_broadcast_footer(case)),
    ]
    return Message(
        text=f"Major incident {case.ref}: {clip(case.summary, 150)}", blocks=as_dicts(blocks)
    )


def _broadcast_footer(case: Case) -> str:
    if case.state == "closed" and case.closed_at is not None:
        return f"Closed {when(case.closed_at)}; the resolution is posted below."
    return (
        "Updates follow here. Please do not open duplicate cases: ask the desk to link "
        f"you to {case.ref}."
    )


def _classification_fields(ctx: RenderContext) -> list[tuple[str, str]]:
    case, policy = ctx.case, ctx.policy
    return [
        ("Requester", user(case.requester_id)),
        ("Coordinator", user(case.coordinator_id)),
        ("Service", service_label(policy, case)),
        ("Type / category", f"{type_label(case)} / {category_label(case)}"),
        ("Impact / urgency", f"{level_label(case.impact)} / {level_label(case.urgency)}"),
        first_response_field(case),
    ]


def level_label(value: str) -> str:
    """An impact or urgency level as a card shows it: "Extensive", "I don't know"."""
    text = label({}, value)
    return text[:1].upper() + text[1:]


def _status_notes(ctx: RenderContext) -> list[str]:
    case = ctx.case
    notes = [f"Recorded {when(case.first_contact_at)} by {user(case.reporter_id)}"]
    if case.needs_validation:
        notes.append(validation_note(ctx))
    if case.support_status not in ("supported", "unknown"):
        notes.append(":warning: " + SUPPORT_STATUSES.get(case.support_status, case.support_status))
    linked = sum(1 for e in case.events if e.kind == "linked_contact")
    family = _family(case)
    if family:
        notes.append(family)
    if linked:
        notes.append(f"{linked} more contact{'s' if linked > 1 else ''} linked")
    if case.estimate_at is not None and case.state != "closed":
        notes.append(f"Promised: {promise_text(case)}")
    if case.escalations or case.transfers:
        notes.append(f"Escalated {case.escalations}× · transferred {case.transfers}×")
    if case.channel_id:
        notes.append(f"Case channel <#{case.channel_id}>")
    if case.closure and case.closure.awaiting_approval:
        notes.append(":hourglass: close awaiting a manager's approval")
    planned = planned_outage_of(case)
    if planned is not None and case.state != "closed":
        notes.append(f":construction: inside planned change {planned[0]}: {safe(planned[1], 100)}")
    if case.reopen_count:
        notes.append(f"Reopened {case.reopen_count}×")
    if case.closure_code:
        notes.append(f"Closed: {case.closure_code.replace('_', ' ')}")
    if case.first_contact_resolution:
        notes.append("First-contact resolution")
    return notes


def validation_note(ctx: RenderContext) -> str:
    """INTAKE-5 in words: where the data came from and what waits on the person's check."""
    case = ctx.case
    if validation.held_for_major(ctx.policy, case):
        return (
            f":rotating_light: *needs validation*: {validation.claim(ctx.policy, case)}. "
            "Confirm or correct it before the case channel opens and the broadcast goes out."
        )
    return (
        f":mag: *needs validation*: recorded from the {validation.source_of(case).lower()}. "
        "Confirm its details or correct its classification."
    )


def validation_buttons(case: Case) -> list[Block]:
    """Confirm and Correct classification while the case needs validation; gone once it does
    not (the card is edited in place)."""
    if not case.needs_validation or case.state == "closed":
        return []
    value = str(case.number)
    return [
        buttons(
            "validate",
            ("Confirm", ACTION_CONFIRM, value, "primary"),
            ("Correct classification", ACTION_CORRECT, value, None),
        )
    ]


def _family(case: Case) -> str:
    """WORK-6 on the card: the parent a case is part of, or the cases linked to it."""
    session = object_session(case)
    if session is None:
        return ""
    if case.parent_id is not None:
        parent = session.get(Case, case.parent_id)
        return f":link: part of {parent.ref}" if parent else ""
    linked = (
        session.execute(select(Case.number).where(Case.parent_id == case.id).order_by(Case.number))
        .scalars()
        .all()
    )
    if not linked:
        return ""
    refs = [f"CASE-{number}" for number in linked]
    more = f" and {len(refs) - 5} more" if len(refs) > 5 else ""
    return (
        f":link: {len(refs)} linked case{'s' if len(refs) > 1 else ''}: {', '.join(refs[:5])}{more}"
    )


def _case_actions(ctx: RenderContext) -> list[Block]:
    case = ctx.case
    value = str(case.number)
    if case.state == "closed":
        return []
    if validation.held_for_major(ctx.policy, case):  # INTAKE-5: nothing else until decided
        return validation_buttons(case)
    if case.support_status in NEEDS_OVERRIDE:
        return [
            *validation_buttons(case),
            buttons(
                "decide",
                ("Approve override", ACTION_OVERRIDE, value, "primary"),
                ("Decline", ACTION_DECLINE, value, "danger"),
                ("Reclassify", ACTION_RECLASSIFY, value, None),
            ),
        ]
    specs: list[tuple[str, str, str, str | None]] = []
    if case.state == "pending":
        specs.append(("Take it", ACTION_TAKE, value, "primary"))
    elif case.state in ("assigned", "in_progress", "reopened"):
        specs.append(("Resolve", ACTION_RESOLVE, value, "primary"))
    elif case.state == "waiting_on_coordinator":
        specs.append(("Verify with the requester", ACTION_VERIFY, value, "primary"))
    if planned_outage_of(case) is not None:
        specs.append(("Close: planned outage", ACTION_PLANNED_OUTAGE, value, None))
    specs.append(("Close", ACTION_CLOSE, value, None))
    if case.state != "pending":
        specs.append(("Hand over", ACTION_HANDOFF, value, None))
        specs.append(("Consult", ACTION_CONSULT, value, None))
    specs.append(("Escalate", ACTION_ESCALATE, value, None))
    specs.append(("Transfer", ACTION_TRANSFER, value, None))
    if case.escalations or case.transfers:
        specs.append(("Return to owner", ACTION_RETURN, value, None))
    specs.append(("Reclassify", ACTION_RECLASSIFY, value, None))
    return [*validation_buttons(case), buttons("work", *specs)]


def _recent_change(ctx: RenderContext) -> str:
    case = ctx.case
    if case.recent_change == "nothing" and not case.recent_change_details:
        return ""
    text = label(RECENT_CHANGES, case.recent_change)
    return f"{text}: {case.recent_change_details}" if case.recent_change_details else text
