"""The classification modal (CLASSIFY-1, -4): completing the answers left as "I don't know" at
intake, or reclassifying later; a reason is always required and goes on the timeline.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.reclassify import Reclassification
from bot.render.common import priority_label
from bot.text import plain
from bot.views.inputs import SubmittedState, choices, metadata, select, text_input
from bot.views.intake_modal import service_options
from bot.vocabulary import CATEGORIES, NOT_IN_CATALOG, REQUEST_TYPES, UNKNOWN
from config.policy import Policy
from store.models import Case

CALLBACK = "classify"
COMPLETING = "Completing the classification recorded at intake"


def classify_modal(policy: Policy, case: Case, *, completing: bool) -> View:
    blocks: list[Block] = [
        select(
            "service",
            "Affected service",
            choices(service_options(policy)),
            initial=case.service_key,
        ),
        text_input(
            "service_name",
            "If it is not in the list: which service?",
            initial=case.service_name if case.service_key == NOT_IN_CATALOG else "",
            max_length=200,
        ),
        select(
            "request_type",
            "Request type",
            choices(list(REQUEST_TYPES.items())),
            initial=case.request_type,
        ),
        select("category", "Category", choices(list(CATEGORIES.items())), initial=case.category),
    ]
    for question in policy.impact_questions:
        blocks.append(
            select(
                f"impact_{question.key}",
                question.label,
                choices([(o.value, o.label) for o in question.options]),
                initial=case.impact_answers.get(question.key, UNKNOWN),
            )
        )
    blocks += [
        select(
            "urgency",
            "How badly is work blocked?",
            choices(list(policy.urgency_options)),
            initial=case.urgency,
        ),
        text_input(
            "reason",
            "Reason for the change",
            optional=False,
            multiline=True,
            initial=COMPLETING if completing else "",
            max_length=1000,
            hint=f"Now {priority_label(policy, case)}. Priority is recomputed from these "
            "answers; the reason goes on the timeline.",
        ),
    ]
    title = "Complete classification" if completing else "Reclassify"
    return View(
        type="modal",
        callback_id=CALLBACK,
        title=f"{title}"[:24],
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
    number = state.metadata.get("case")
    if not isinstance(number, int):
        raise ValueError("the modal lost its case number")
    service = state.choice("service", default=UNKNOWN)
    change = Reclassification(
        service=service,
        service_name=plain(state.text("service_name")) if service == NOT_IN_CATALOG else "",
        request_type=state.choice("request_type", default=UNKNOWN),
        category=state.choice("category", default=UNKNOWN),
        urgency=state.choice("urgency", default=UNKNOWN),
        impact_answers={
            q.key: state.choice(f"impact_{q.key}", default=UNKNOWN) for q in policy.impact_questions
        },
    )
    return number, change, plain(state.text("reason"))
