"""INTAKE-1's self-service form: what `/case` opens for someone in no desk role. Five short
questions in the requester's words; the record is the same as every other path's. Impact comes
from "how many are affected" (the first business-impact question) and urgency from "how badly
is work blocked", so the priority is computed as for every case (CLASSIFY-3)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject
from slack_sdk.models.views import View

from bot.intake_fields import SUMMARY_MAX, IntakeFields
from bot.text import plain
from bot.views.classification_inputs import service_options
from bot.views.inputs import SubmittedState, choices, metadata, select, text_input
from bot.vocabulary import NOT_IN_CATALOG, UNKNOWN
from config.policy import ImpactQuestion, Policy

CALLBACK = "self_service"
CHANNEL = "self_service"  # the contact channel; INTAKE-5 flags these "needs validation"
REQUIRED = ("summary", "service", "urgency", "affected")


@dataclass(frozen=True, kw_only=True)
class SelfServicePrefill:
    """Words the requester already gave (a DM that turned out to be a new problem)."""

    summary: str = ""
    description: str = ""


def affected_question(policy: Policy) -> ImpactQuestion:
    """ "How many are affected" is the first business-impact question of priority.yml."""
    return policy.impact_questions[0]


def self_service_modal(policy: Policy, prefill: SelfServicePrefill | None = None) -> View:
    prefill = prefill or SelfServicePrefill()
    question = affected_question(policy)
    services = [(k, v) for k, v in service_options(policy) if k != NOT_IN_CATALOG]
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Tell {policy.desk_name} what is wrong. You get a case number at "
                    "once and hear from us by direct message."
                )
            ]
        ),
        text_input(
            "summary",
            "What is wrong?",
            optional=False,
            max_length=SUMMARY_MAX,
            initial=prefill.summary,
            placeholder="One line, e.g. Outlook says disconnected",
        ),
        text_input(
            "description",
            "Anything else we should know?",
            multiline=True,
            initial=prefill.description,
            placeholder="Error messages, since when, what you tried",
        ),
        select("service", "Which service?", choices(services)),
        select("urgency", "How badly is your work blocked?", choices(list(policy.urgency_options))),
        select("affected", question.label, choices([(o.value, o.label) for o in question.options])),
        text_input(
            "contact_phone",
            "Contact number",
            max_length=40,
            placeholder="So the technician can call you",
        ),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK,
        title="Ask the desk for help",
        submit="Send",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(via=CHANNEL),
    )


def parse_self_service(policy: Policy, view: dict[str, object], *, user: str) -> IntakeFields:
    """The form as the same IntakeFields every path records; the requester reports for
    themselves."""
    state = SubmittedState(view)
    affected = state.choice("affected", default=UNKNOWN)
    return IntakeFields(
        summary=plain(state.text("summary")),
        description=plain(state.text("description")),
        requester_id=user,
        reporter_id=user,
        contact_channel=CHANNEL,
        contact_phone=state.text("contact_phone"),
        service=state.choice("service", default=UNKNOWN),
        urgency=state.choice("urgency", default=UNKNOWN),
        impact_answers={affected_question(policy).key: affected},
    )


def missing_required(view: dict[str, object]) -> dict[str, str]:
    """Required answers a submission lacks (Slack's client checks; a forged one may not)."""
    state = SubmittedState(view)
    missing = {
        block: 'This is required. Choose "I don\'t know" if you are not sure.'
        for block in REQUIRED
        if not (state.text(block) or state.choice(block))
    }
    if "summary" in missing:
        missing["summary"] = "Say in one line what is wrong."
    return missing
