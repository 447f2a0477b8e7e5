"""Modals of ROUTE-3: "Hand over" (who takes it next, a note) and "Decline" (why)."""

from __future__ import annotations

from slack_sdk.models.blocks import InputBlock, SectionBlock, UserSelectElement
from slack_sdk.models.views import View

from bot.handoff import NOTE_MAX
from bot.render.common import safe
from bot.text import plain
from bot.views.inputs import FORM_LOST, VALUE, FormLost, SubmittedState, metadata, text_input
from store.models import Case

HANDOFF = "handoff"
DECLINE = "handoff_decline"


def handoff_modal(case: Case, *, replacing: int | None = None) -> View:
    """Name the next coordinator; `replacing` passes an escalated offer on to someone else."""
    person = InputBlock(
        block_id="to",
        label="Next coordinator",
        element=UserSelectElement(action_id=VALUE, placeholder="Choose a person"),
        hint="They get the brief and must accept; until then you stay the coordinator.",
    )
    blocks = [
        SectionBlock(text=f"*{case.ref}*: {safe(case.summary, 300)}"),
        person,
        text_input("note", "Note for them", multiline=True, max_length=NOTE_MAX, optional=True),
    ]
    return View(
        type="modal",
        callback_id=HANDOFF,
        title="Hand over",
        submit="Offer",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(case=case.number, replacing=replacing),
    )


def decline_modal(case: Case, handoff_id: int) -> View:
    blocks = [
        SectionBlock(text=f"*{case.ref}*: {safe(case.summary, 300)}"),
        text_input(
            "reason",
            "Why do you decline? (the coordinator reads this)",
            optional=False,
            multiline=True,
            max_length=1000,
        ),
    ]
    return View(
        type="modal",
        callback_id=DECLINE,
        title="Decline handoff",
        submit="Decline",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(case=case.number, handoff=handoff_id),
    )


def parse_handoff(view: dict[str, object]) -> tuple[int, str, str, int | None]:
    """(case number, next coordinator, note, the offer it replaces)."""
    state = SubmittedState(view)
    number, replacing = state.case_number(), state.metadata.get("replacing")
    return (
        number,
        state.user("to"),
        plain(state.text("note")),
        replacing if isinstance(replacing, int) else None,
    )


def parse_decline(view: dict[str, object]) -> tuple[int, int, str]:
    """(case number, handoff id, reason)."""
    state = SubmittedState(view)
    number, handoff = state.case_number(), state.metadata.get("handoff")
    if not isinstance(handoff, int):
        raise FormLost(FORM_LOST)
    return number, handoff, plain(state.text("reason"))
