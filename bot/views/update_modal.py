"""The status-update modal behind "Post an update" (SLA-3)."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.render.common import safe
from bot.status_updates import UPDATE_MAX
from bot.text import plain
from bot.views.inputs import SubmittedState, metadata, text_input
from store.models import Case

CALLBACK = "status_update"


def update_modal(case: Case) -> View:
    blocks = [
        SectionBlock(
            text=f"*{case.ref}*: {safe(case.summary, 300)}\nThe update goes to the case "
            "channel, the broadcast channel (major incidents), everyone following "
            "the case and the requester."
        ),
        text_input(
            "text",
            "What changed, and what happens next?",
            optional=False,
            multiline=True,
            max_length=UPDATE_MAX,
        ),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK,
        title="Post an update",
        submit="Post",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(case=case.number),
    )


def parse_update(view: dict[str, object]) -> tuple[int, str]:
    state = SubmittedState(view)
    number = state.case_number()
    return number, plain(state.text("text"))
