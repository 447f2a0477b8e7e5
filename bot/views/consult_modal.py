"""ROUTE-5's "Consult" modal: which group, whom to page (the call tree), the question."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.consult import CALL_TREE, QUESTION_MAX
from bot.render.common import safe
from bot.text import plain
from bot.views.inputs import SubmittedState, metadata, option, radio, select, text_input
from config.policy import Policy
from store.models import Case

CALLBACK = "consult"


def consult_modal(policy: Policy, case: Case) -> View:
    groups = [option(g.key, g.name) for g in policy.groups.values() if g.key != case.group_key]
    blocks = [
        SectionBlock(
            text=f"*{case.ref}*: {safe(case.summary, 300)}\nAsk a group for help; the case "
            "stays yours."
        ),
        select("group", "Group to consult", groups),
        radio(
            "via",
            "Whom to page",
            [option(key, label) for key, label in CALL_TREE.items()],
            initial="oncall",
        ),
        text_input("question", "Your question", multiline=True, max_length=QUESTION_MAX),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK,
        title="Consult a group",
        submit="Page",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(case=case.number),
    )


def parse_consult(view: dict[str, object]) -> tuple[int, str, str, str]:
    """(case number, group key, whom to page, question)."""
    state = SubmittedState(view)
    number = state.case_number()
    return (
        number,
        state.choice("group"),
        state.choice("via", default="oncall"),
        plain(state.text("question")),
    )
