"""The classification modal (CLASSIFY-1, -4): completing the answers left as "I don't know" at
intake, or reclassifying later; a reason is always required and goes on the timeline.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.reclassify import Reclassification
from bot.render.common import priority_label
from bot.text import plain
from bot.views.classification_inputs import Answers, classification_inputs, read_answers
from bot.views.inputs import SubmittedState, metadata, text_input
from bot.vocabulary import NOT_IN_CATALOG
from config.policy import Policy
from store.models import Case

CALLBACK = "classify"
COMPLETING = "Completing the classification recorded at intake"


def classify_modal(
    policy: Policy, case: Case, *, completing: bool, correcting: bool = False
) -> View:
    """The answers as they stand; `correcting` is INTAKE-5's Correct classification, whose
    save also validates the case."""
    current = Answers(
        service=case.service_key,
        service_name=case.service_name if case.service_key == NOT_IN_CATALOG else "",
        request_type=case.request_type,
        category=case.category,
        impact_answers=case.impact_answers,
        urgency=case.urgency,
    )
    blocks: list[Block] = classification_inputs(policy, current)
    blocks.append(
        text_input(
            "reason",
            "Reason for the change",
            optional=False,
            multiline=True,
            initial=COMPLETING if completing else "",
            max_length=1000,
            hint=f"Now {priority_label(policy, case)}. Priority is recomputed from these answers; "
            "the reason goes on the timeline."
            + (" Saving also validates the case." if case.needs_validation else ""),
        )
    )
    title = "Complete classification" if completing else "Reclassify"
    if correcting:
        title = "Correct classification"
    return View(
        type="modal",
        callback_id=CALLBACK,
        title=title[:24],
        submit="Save",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(case=case.number),
    )


def parse_classification(
    policy: Policy, view: dict[str, object]
) -> tuple[int, Reclassification, str]:
    """(case number, the new answers, the reason)."""
    state = SubmittedState(view)
    number = state.case_number()
    answers = read_answers(policy, state)
    change = Reclassification(
        service=answers.service,
        service_name=answers.service_name,
        request_type=answers.request_type,
        category=answers.category,
        urgency=answers.urgency,
        impact_answers=dict(answers.impact_answers),
    )
    return number, change, plain(state.text("reason"))
