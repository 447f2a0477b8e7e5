"""What the person who acted sees back: the recorded-case answer, the possible duplicates
(INTAKE-4) as a modal step or as an ephemeral message, and the help text.
"""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.desk import HeldForDuplicates, Recorded
from bot.intake import CaseBrief
from bot.render.cards import ACTION_COMPLETE
from bot.render.common import as_dicts, buttons, context, safe, section, user, when
from bot.text import clip
from bot.views.inputs import metadata, option, radio
from bot.vocabulary import STATES

# People, user groups and the desk's own dates (`when()`: harmless, never a notification).
_MENTION = re.compile(
    r"&lt;(@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+"
    r"|!date\^\d+\^\{date_short_pretty\} \{time\}\|[A-Za-z0-9 :]+)&gt;"
)
DUPLICATES_CALLBACK = "intake_duplicates"
ACTION_LINK = "intake_link"
ACTION_RECORD_ANYWAY = "intake_record"
NEW_CASE = "new"


def recorded_text(result: Recorded) -> str:
    case = result.case
    where = f"in the queue of {case.group_name}" if case.group_name else "with the desk"
    if case.is_major:
        where = "with the command center (major incident; case channel being opened)"
    if case.support_status in ("unsupported", "not_in_catalog"):
        where = "held for an override decision (unsupported service)"
    verb = "was already recorded as" if result.already else "Recorded"
    head = f"{verb} *{case.ref}* · {case.priority} {case.priority_label} · {where}."
    due = case.first_response_due
    promise = f"first response due {when(due)}" if due else "no first-response clock running"
    return (
        f"{head}\n{safe(case.summary, 300)}\nRequester {user(case.requester_id)} is told the "
        f"number; {promise}."
    )


def recorded_message(result: Recorded) -> dict[str, Any]:
    """The ephemeral answer to `/case new`, with the button to complete the classification."""
    blocks: list[Block] = [section(recorded_text(result))]
    if not result.already:
        blocks.append(
            buttons(
                "recorded",
                (
                    "Complete the classification",
                    ACTION_COMPLETE,
                    str(result.case.number),
                    "primary",
                ),
            )
        )
    return {"text": f"Recorded {result.case.ref}", "blocks": as_dicts(blocks)}


def recorded_view(result: Recorded) -> View:
    return View(
        type="modal", title="Case recorded", close="Done", blocks=[section(recorded_text(result))]
    )


def _case_line(case: CaseBrief, score: float | None = None) -> str:
    match = f" · {score:.0f}% alike" if score is not None else ""
    state = STATES.get(case.state, case.state)
    return f"*{case.ref}* · {case.priority} · {state}{match}\n{safe(case.summary, 300)}"


def _duplicate_lines(held: HeldForDuplicates) -> list[str]:
    lines = []
    if held.requester_open:
        lines.append("*The requester already has open cases:*")
        lines += [_case_line(c) for c in held.requester_open]
    if held.similar:
        lines.append("*Open cases that look like the same symptom:*")
        lines += [_case_line(c, s) for c, s in held.similar]
    if held.same_service:
        lines.append("*On the same service (the words may differ):*")
        lines += [_service_line(c) for c in held.same_service]
    return lines


def _service_line(case: CaseBrief) -> str:
    """Why a case on the same service is shown: it is a major incident, or it is recent."""
    why = "major incident" if case.is_major else f"recorded {when(case.created_at)}"
    state = STATES.get(case.state, case.state)
    return f"*{case.ref}* · {case.priority} · {state} · {why}\n{safe(case.summary, 300)}"


RADIO_CHOICES = 10


def _candidates(held: HeldForDuplicates) -> list[CaseBrief]:
    seen: dict[int, CaseBrief] = {}
    for case in [*held.requester_open, *(c for c, _ in held.similar), *held.same_service]:
        seen.setdefault(case.number, case)
    return list(seen.values())


def duplicates_view(held: HeldForDuplicates) -> View:
    """The modal's second step: link to one of these, or record a new case."""
    options = [option(NEW_CASE, "Record a new case")]
    options += [  # Slack refuses radio buttons with more than ten choices
        option(str(c.number), clip(f"Link to {c.ref}: {c.summary}", 75))
        for c in _candidates(held)[: RADIO_CHOICES - 1]
    ]
    blocks: list[Block] = [section(line) for line in _duplicate_lines(held)]
    blocks.append(radio("choice", "What should happen?", options, initial=NEW_CASE))
    return View(
        type="modal",
        callback_id=DUPLICATES_CALLBACK,
        title="Possible duplicates",
        submit="Continue",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(draft=held.draft_id),
    )


def duplicates_message(held: HeldForDuplicates) -> dict[str, Any]:
    """The same choice as an ephemeral message, for `/case new`."""
    blocks: list[Block] = [section("Nothing is recorded yet. Before opening another case:")]
    blocks += [section(line) for line in _duplicate_lines(held)]
    specs: list[tuple[str, str, str, str | None]] = [  # action ids are unique per block
        (f"Link to {c.ref}", f"{ACTION_LINK}_{i}", f"{held.draft_id}:{c.number}", None)
        for i, c in enumerate(_candidates(held)[:4])
    ]
    specs.append(("Record a new case anyway", ACTION_RECORD_ANYWAY, str(held.draft_id), "primary"))
    blocks.append(buttons("duplicates", *specs))
    blocks.append(context("Linking adds the caller to that case, so they get its updates."))
    return {"text": "Possible duplicates: nothing recorded yet", "blocks": as_dicts(blocks)}


def error_message(text: str) -> dict[str, Any]:
    """A refusal, escaped, except for the people and user groups it names (`<@U123>` and
    `<!subteam^S123>` stay mentions) and the dates it gives (Slack's date token)."""
    shown = _MENTION.sub(r"<\1>", safe(text))
    return {"text": clip(shown, 3000), "blocks": as_dicts([section(":warning: " + shown)])}


HELP_HEAD = "*Casedesk*: `/case` commands"
HELP_CASE_CHANNEL = "In a case's own channel the case number can be left out."  # staff only
HELP_FOOT = (
    "• `/case help` — this list",
    HELP_CASE_CHANNEL,
    "Values: service = {services}; impact = {impacts}; urgency = {urgencies}; type = {types}; "
    'category = {categories}. Use `?` for "I don\'t know". Quote a summary that contains `=`.',
)
