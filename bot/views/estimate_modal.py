"""WORK-1's "Other…" estimate: a resolution time, or a next contact at a time of one's choice."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.estimates import KINDS, PRESETS
from bot.render.common import safe
from bot.views.inputs import SubmittedState, metadata, option, radio, select, text_input
from store.models import Case

CALLBACK = "estimate"
AT_TIME = "at_time"


def estimate_modal(case: Case) -> View:
    whens = [option(k, v) for k, v in PRESETS.items()]
    whens.append(option(AT_TIME, "At the time below"))
    blocks = [
        SectionBlock(
            text=f"*{case.ref}*: {safe(case.summary, 300)}\nThe requester is told at once, and "
            "you are reminded if the time comes with no contact."
        ),
        radio(
            "kind",
            "What are you promising?",
            [option(k, v) for k, v in KINDS.items()],
            initial="contact",
        ),
        select("when", "When", whens, initial="1h"),
        text_input(
            "time",
            'Time (when "At the time below")',
            placeholder="14:30, or 2026-11-25 09:00",
            max_length=40,
            hint="In the desk's time zone. A time earlier than now means tomorrow.",
        ),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK,
        title="Give an estimate",
        submit="Promise",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(case=case.number),
    )


def parse_estimate(view: dict[str, object]) -> tuple[int, str, str]:
    """The case number, the estimate as `/case estimate` would take it, and the block id that
    a refusal of it belongs on."""
    state = SubmittedState(view)
    number = state.case_number()
    kind = state.choice("kind", default="contact")
    when = state.choice("when", default="1h")
    if when != AT_TIME:
        return number, f"{kind} {when}", "when"
    at = state.text("time")
    if not at:
        raise FieldMissing("time", "Give the time, like 14:30 or 2026-11-25 09:00.")
    return number, f"{kind} {at}", "time"


class FieldMissing(ValueError):
    """A field the chosen option needs is empty; `block_id` says which."""

    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message)
        self.block_id = block_id
