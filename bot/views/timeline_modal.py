"""WORK-4's "Add to case timeline" outside a case channel: which case is the message about?"""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.case_notes import Source
from bot.render.common import safe
from bot.text import clip
from bot.views.inputs import SubmittedState, metadata, text_input

CALLBACK = "timeline_pick"
KEPT = 1500  # of the message's text, inside Slack's 3,000-character private_metadata


def pick_case_modal(source: Source, text: str) -> View:
    kept = clip(text, KEPT)
    return View(
        type="modal",
        callback_id=CALLBACK,
        title="Add to case timeline",
        submit="Add",
        close="Cancel",
        blocks=[
            SectionBlock(text=f">{safe(kept, 2000)}"),
            text_input(
                "case",
                "Which case?",
                optional=False,
                max_length=20,
                placeholder="CASE-1042",
            ),
        ],
        private_metadata=metadata(
            text=kept,
            channel=source.channel,
            ts=source.ts,
            author=source.author,
            link=source.permalink,
        ),
    )


def parse_pick(view: dict[str, object]) -> tuple[str, str, Source]:
    state = SubmittedState(view)
    meta = state.metadata
    source = Source(
        channel=str(meta.get("channel", "")),
        ts=str(meta.get("ts", "")),
        author=str(meta.get("author", "")),
        permalink=str(meta.get("link", "")),
    )
    return state.text("case"), str(meta.get("text", "")), source
