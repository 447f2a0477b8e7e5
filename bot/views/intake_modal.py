"""The intake modal (INTAKE-1, -2, -6): every field of the record, drop-downs for every
classification answer, "I don't know" in each, and business-impact questions instead of a
priority (CLASSIFY-3). `parse_intake` turns a submission back into IntakeFields.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, MarkdownTextObject
from slack_sdk.models.views import View

from bot.intake_fields import SUMMARY_MAX, IntakeFields
from bot.text import plain
from bot.views.classification_inputs import Answers, classification_inputs, read_answers
from bot.views.inputs import (
    SubmittedState,
    choices,
    email_input,
    metadata,
    select,
    text_input,
    user_input,
)
from bot.vocabulary import RECENT_CHANGES, UNKNOWN
from config.policy import Policy

CALLBACK = "intake"


@dataclass(frozen=True, kw_only=True)
class IntakePrefill:
    """What the bot already knows when the modal opens (the caller, a message, a draft)."""

    reporter_id: str
    requester_id: str
    contact_channel: str = "slack_form"
    summary: str = ""
    description: str = ""
    service: str | None = None
    source_channel: str | None = None
    source_ts: str | None = None
    source_permalink: str | None = None
    note: str = ""  # said above the form (why the requester is not the message's author)


def intake_modal(policy: Policy, prefill: IntakePrefill) -> View:
    blocks: list[Block] = []
    if prefill.source_permalink:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Opening a case from <{prefill.source_permalink}|this message>; "
                        "its text is the description."
                    )
                ]
            )
        )
    if prefill.note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=prefill.note)]))
    blocks += [
        user_input(
            "requester_id",
            "Requester (who needs help)",
            initial=prefill.requester_id,
            hint="Change it when you report for another user.",
        ),
        text_input("contact_phone", "Call-back number", max_length=40),
        email_input("contact_email", "E-mail"),
        text_input(
            "contact_location",
            "Location",
            max_length=200,
            placeholder="Building, floor, desk or 'remote'",
        ),
        text_input(
            "summary",
            "Summary",
            optional=False,
            max_length=SUMMARY_MAX,
            initial=prefill.summary,
            placeholder="One line: what is wrong?",
        ),
        DividerBlock(),
    ]
    blocks += classification_inputs(policy, Answers(service=prefill.service))
    blocks += [
        DividerBlock(),
        text_input(
            "description", "What can't you do?", multiline=True, initial=prefill.description
        ),
        text_input(
            "failure_looks_like",
            "What does the failure look like?",
            multiline=True,
            placeholder="Error messages, codes, what you see",
        ),
        text_input("success_looks_like", "What should happen instead?", multiline=True),
        text_input("steps_to_reproduce", "Steps to reproduce", multiline=True),
        select(
            "recent_change",
            "What changed recently?",
            choices(list(RECENT_CHANGES.items())),
            hint="Most failures follow a change: new software, a move, a new computer.",
        ),
        text_input("recent_change_details", "Details of the change", multiline=True),
        text_input(
            "evidence",
            "Evidence",
            multiline=True,
            placeholder="Links to screenshots, logs, tickets",
        ),
        text_input(
            "contact_notes",
            "Other contact details",
            multiline=True,
            placeholder="Best time to call, a colleague to ask...",
        ),
    ]
    meta = metadata(
        reporter=prefill.reporter_id,
        via=prefill.contact_channel,
        channel=prefill.source_channel,
        ts=prefill.source_ts,
        link=prefill.source_permalink,
    )
    return View(
        type="modal",
        callback_id=CALLBACK,
        title="Open a case",
        submit="Record",
        close="Cancel",
        blocks=blocks,
        private_metadata=meta,
    )


def parse_intake(policy: Policy, view: dict[str, object], *, reporter_id: str) -> IntakeFields:
    """The submitted modal as IntakeFields; absent answers become "I don't know" or empty."""
    state = SubmittedState(view)
    meta = state.metadata
    answers = read_answers(policy, state)
    via = meta.get("via")
    return IntakeFields(
        summary=plain(state.text("summary")),
        requester_id=state.user("requester_id") or reporter_id,
        reporter_id=reporter_id,
        contact_channel=via if isinstance(via, str) else "slack_form",
        description=plain(state.text("description")),
        contact_phone=state.text("contact_phone"),
        contact_email=state.text("contact_email"),
        contact_location=plain(state.text("contact_location")),
        contact_notes=plain(state.text("contact_notes")),
        service=answers.service or UNKNOWN,
        service_name=answers.service_name,
        request_type=answers.request_type or UNKNOWN,
        category=answers.category or UNKNOWN,
        impact_answers=dict(answers.impact_answers),
        urgency=answers.urgency or UNKNOWN,
        failure_looks_like=plain(state.text("failure_looks_like")),
        success_looks_like=plain(state.text("success_looks_like")),
        steps_to_reproduce=plain(state.text("steps_to_reproduce")),
        evidence=plain(state.text("evidence")),
        recent_change=state.choice("recent_change", default=UNKNOWN),
        recent_change_details=plain(state.text("recent_change_details")),
        source_channel=_str_or_none(meta.get("channel")),
        source_ts=_str_or_none(meta.get("ts")),
        source_permalink=_str_or_none(meta.get("link")),
    )


REQUIRED_BLOCKS = (
    "summary",
    "requester_id",
    "service",
    "request_type",
    "category",
    "urgency",
    "recent_change",
)


def missing_required(policy: Policy, view: dict[str, object]) -> dict[str, str]:
    """Required inputs absent from a submission (Slack's client checks; a forged one may not)."""
    state = SubmittedState(view)
    required = [*REQUIRED_BLOCKS, *(f"impact_{q.key}" for q in policy.impact_questions)]
    missing = {}
    for block_id in required:
        filled = state.text(block_id) or state.choice(block_id) or state.user(block_id)
        if not filled:
            missing[block_id] = 'This is required. Choose "I don\'t know" if you are not sure.'
    if "summary" in missing:
        missing["summary"] = "A summary is required: one line saying what is wrong."
    return missing


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


__all__ = ["CALLBACK", "IntakePrefill", "intake_modal", "missing_required", "parse_intake"]
