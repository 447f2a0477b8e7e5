"""Modals for CLASSIFY-2 decisions: approve an override (reason, temporary or lasting) or
decline the case as unsupported (reason, which the requester reads)."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.render.common import safe
from bot.text import plain
from bot.views.inputs import SubmittedState, metadata, option, radio, text_input
from store.models import Case

OVERRIDE = "override"
DECLINE = "decline"


def override_modal(case: Case) -> View:
    blocks = [
        SectionBlock(
            text=f"*{case.ref}*: {safe(case.summary, 300)}\nThe service is not "
            "supported. Approving lets the desk work on it."
        ),
        text_input(
            "reason", "Why approve the work?", optional=False, multiline=True, max_length=1000
        ),
        radio(
            "lasting",
            "For how long?",
            [
                option("temporary", "This case only (temporary)"),
                option("lasting", "Until further notice (lasting)"),
            ],
            initial="temporary",
        ),
    ]
    return View(
        type="modal",
        callback_id=OVERRIDE,
        title="Approve override",
        submit="Approve",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(case=case.number),
    )


def decline_modal(case: Case) -> View:
    blocks = [
        SectionBlock(
            text=f"*{case.ref}*: {safe(case.summary, 300)}\nDeclining closes the case "
            "with the code \u201cDeclined as unsupported\u201d."
        ),
        text_input(
            "reason",
            "Reason (the requester reads this)",
            optional=False,
            multiline=True,
            max_length=1000,
        ),
    ]
    return View(
        type="modal",
        callback_id=DECLINE,
        title="Decline case",
        submit="Decline",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(case=case.number),
    )


def parse_decision(view: dict[str, object]) -> tuple[int, str, bool]:
    """(case number, reason, lasting)."""
    state = SubmittedState(view)
    number = state.case_number()
    return number, plain(state.text("reason")), state.choice("lasting") == "lasting"
