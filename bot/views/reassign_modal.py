"""ROUTE-4's Escalate / Transfer form and ROUTE-7's Return to owner form."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.reassign import ESCALATE, REASON_MAX, RETURN_NOTE, Route
from bot.render.common import safe
from bot.views.inputs import (
    FORM_LOST,
    FormLost,
    SubmittedState,
    metadata,
    option,
    select,
    text_input,
)
from store.models import Case

CALLBACK = "reassign"
RETURN_CALLBACK = "return_to_owner"


def reassign_modal(case: Case, how: str, route: Route) -> View:
    verb = "Escalate" if how == ESCALATE else "Transfer"
    meaning = (
        "to a higher tier, for more expertise"
        if how == ESCALATE
        else "to another focus area at the same tier"
    )
    options = [option(g.key, f"{g.name} (tier {g.tier}, {g.focus})") for g in route.listed]
    options += [
        option(g.key, f"{g.name} (tier {g.tier}): not a documented route, needs an override")
        for g in route.others
    ]
    blocks = [
        SectionBlock(
            text=f"*{case.ref}*: {safe(case.summary, 300)}\n{verb} {meaning}. The catalog's "
            "routes come first. You stay coordinator until someone in the new group takes it; "
            "the requester is told it moved."
        ),
        select("group", "To which group", options[:100]),
        text_input(
            "reason",
            "Why? (goes on the timeline and to the next group)",
            optional=False,
            multiline=True,
            max_length=REASON_MAX,
        ),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK,
        title=f"{verb} {case.ref}"[:24],
        submit=verb,
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(case=case.number, how=how),
    )


def parse_reassign(view: dict[str, object]) -> tuple[int, str, str, str]:
    """Case number, escalate or transfer, the group key and the reason."""
    state = SubmittedState(view)
    number, how = state.case_number(), state.metadata.get("how")
    if not isinstance(how, str):
        raise FormLost(FORM_LOST)
    return number, how, state.choice("group"), state.text("reason")


def return_modal(case: Case) -> View:
    blocks = [
        SectionBlock(text=f"*{case.ref}*: {safe(case.summary, 300)}\n_{RETURN_NOTE}_"),
        text_input(
            "note",
            "Your note to the owner (optional)",
            multiline=True,
            max_length=REASON_MAX,
        ),
    ]
    return View(
        type="modal",
        callback_id=RETURN_CALLBACK,
        title="Return to owner",
        submit="Return",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(case=case.number),
    )


def parse_return(view: dict[str, object]) -> tuple[int, str]:
    state = SubmittedState(view)
    number = state.case_number()
    return number, state.text("note")
