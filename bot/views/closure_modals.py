"""CLOSE-1's "Resolve" form, CLOSE-2's "still broken" form and CLOSE-4's close form (every
close field a mandatory drop-down, INTAKE-6's rule for classification fields)."""

from __future__ import annotations

import re

from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot.closure import (
    DUPLICATE,
    FIX_KINDS,
    KB_USE,
    RESTORED,
    SHORT_CODES,
    TEXT_MAX,
    Attempt,
    ClosureRecord,
)
from bot.duplicates import DuplicateRefused
from bot.render.common import safe
from bot.views.inputs import SubmittedState, metadata, option, radio, select, text_input
from config.policy import Policy
from store.models import Case

RESOLVE = "resolve"
BROKEN = "still_broken"
CLOSE = "close"
REJECT = "close_reject"
ARTICLE = re.compile(r"\bKB-\d+\b", re.IGNORECASE)
CASE_REF = re.compile(r"^(?:CASE-)?#?(\d{1,10})$", re.IGNORECASE)


def _head(case: Case, note: str) -> SectionBlock:
    return SectionBlock(text=f"*{case.ref}*: {safe(case.summary, 300)}\n{note}")


def resolve_modal(case: Case) -> View:
    return View(
        type="modal",
        callback_id=RESOLVE,
        title="Propose a resolution",
        submit="Propose",
        close="Cancel",
        blocks=[
            _head(case, "The coordinator is alerted at once and verifies it with the requester."),
            text_input(
                "done", "What was done", optional=False, multiline=True, max_length=TEXT_MAX
            ),
            radio("fix", "Fix or workaround", [option(k, v) for k, v in FIX_KINDS.items()]),
            text_input(
                "articles",
                "Knowledge-base articles used or reviewed",
                max_length=200,
                placeholder="KB-5, KB-12",
            ),
            text_input("worse", "Any that made it worse?", max_length=200, placeholder="KB-7"),
        ],
        private_metadata=metadata(case=case.number),
    )


def parse_resolve(view: dict[str, object]) -> tuple[int, Attempt]:
    state = SubmittedState(view)
    return state.case_number(), Attempt(
        done=state.text("done"),
        fix=state.choice("fix"),
        articles=tuple(a.upper() for a in ARTICLE.findall(state.text("articles"))),
        made_worse=tuple(a.upper() for a in ARTICLE.findall(state.text("worse"))),
    )


def broken_modal(case: Case) -> View:
    return View(
        type="modal",
        callback_id=BROKEN,
        title="Still not working",
        submit="Send",
        close="Cancel",
        blocks=[
            _head(case, "Your words go straight to the technician."),
            text_input(
                "words",
                "What still does not work?",
                optional=False,
                multiline=True,
                max_length=TEXT_MAX,
            ),
        ],
        private_metadata=metadata(case=case.number),
    )


def parse_broken(view: dict[str, object]) -> tuple[int, str]:
    state = SubmittedState(view)
    return state.case_number(), state.text("words")


def close_modal(policy: Policy, case: Case, *, code: str | None = None) -> View:
    """The close form. Choosing the code redraws it (`dispatch_action`): "withdrawn" and
    "duplicate" ask for nothing else but, for a duplicate, the case it duplicates."""
    codes = [option(c.code, c.label) for c in policy.closure_codes]
    chosen = select("code", "Closure code", codes, initial=code, dispatch=True)
    if code in SHORT_CODES:
        note = "The code is the whole record of this close."
        rest = (
            [
                text_input(
                    "duplicate_of",
                    "Duplicate of which case?",
                    optional=False,
                    max_length=20,
                    placeholder="CASE-1042",
                    hint="Its requester will follow that case; no survey is sent.",
                )
            ]
            if code == DUPLICATE
            else []
        )
    else:
        note = "Every field is required: the record is what the figures are made of."
        rest = [
            select(
                "cause", "Root-cause category", [option(c, c) for c in policy.closure.root_causes]
            ),
            select("fix", "Fix or workaround", [option(k, v) for k, v in FIX_KINDS.items()]),
            select("kb", "Knowledge base", [option(k, v) for k, v in KB_USE.items()]),
            select("restored", "Service", [option(k, v) for k, v in RESTORED.items()]),
            text_input(
                "follow_up",
                "RFC or follow-up record (when follow-up is needed)",
                max_length=60,
                placeholder="RFC-2231",
            ),
        ]
    return View(
        type="modal",
        callback_id=CLOSE,
        title=f"Close {case.ref}"[:24],
        submit="Close the case",
        close="Cancel",
        blocks=[_head(case, note), chosen, *rest],
        private_metadata=metadata(case=case.number),
    )


def chosen_code(view: dict[str, object]) -> str:
    """The code chosen so far in an open close form (what the redraw is for)."""
    return SubmittedState(view).choice("code")


def parse_close(view: dict[str, object]) -> tuple[int, ClosureRecord]:
    """The submitted close; a duplicate's original as a number. ValueError names what is
    wrong with a case reference."""
    state = SubmittedState(view)
    original = state.text("duplicate_of")
    duplicate_of = None
    if original:
        match = CASE_REF.match(original)
        if match is None:
            raise DuplicateRefused(f"{original!r} is not a case number. Write it as CASE-1042.")
        duplicate_of = int(match.group(1))
    return state.case_number(), ClosureRecord(
        code=state.choice("code"),
        root_cause=state.choice("cause"),
        fix=state.choice("fix"),
        kb=state.choice("kb"),
        restored=state.choice("restored"),
        follow_up=state.text("follow_up"),
        duplicate_of=duplicate_of,
    )


REDRAW = "This form was drawn for another code: choose the closure code again to see its fields."


def placed(view: dict[str, object], errors: dict[str, str]) -> dict[str, str]:
    """Errors Slack can show: one for a field the open form lacks (it was submitted before it
    redrew for the chosen code, or forged) goes on the code, which redraws the form."""
    blocks = view.get("blocks")
    shown = (
        {b.get("block_id") for b in blocks if isinstance(b, dict)}
        if isinstance(blocks, list)
        else set()
    )
    kept = {block: text for block, text in errors.items() if block in shown}
    if len(kept) < len(errors):
        kept["code"] = REDRAW
    return kept


def missing(record: ClosureRecord) -> dict[str, str]:
    """CLOSE-4's mandatory fields left empty, by block: the code's own fields only."""
    if record.code in SHORT_CODES:
        return (
            {"duplicate_of": "Required."}
            if record.code == DUPLICATE and (record.duplicate_of is None)
            else {}
        )
    empty = {
        block: "Required."
        for block, value in (
            ("code", record.code),
            ("cause", record.root_cause),
            ("fix", record.fix),
            ("kb", record.kb),
            ("restored", record.restored),
        )
        if not value
    }
    if record.restored == "follow_up" and not record.follow_up:
        empty["follow_up"] = "Give the RFC or follow-up record."
    return empty


def reject_modal(case: Case) -> View:
    return View(
        type="modal",
        callback_id=REJECT,
        title="Reject the close",
        submit="Reject",
        close="Cancel",
        blocks=[
            _head(case, "The coordinator gets your reason; the case stays open."),
            text_input(
                "reason", "Why not close it yet?", optional=False, multiline=True, max_length=1500
            ),
        ],
        private_metadata=metadata(case=case.number),
    )


def parse_reject(view: dict[str, object]) -> tuple[int, str]:
    state = SubmittedState(view)
    return state.case_number(), state.text("reason")


def article_draft(case: Case) -> dict[str, str]:
    """CLOSE-5: a new article pre-filled from the case and its resolution."""
    resolution = case.resolution
    symptoms = [line for line in (case.failure_looks_like, case.summary) if line]
    body = (
        f"## Symptoms\n{case.description or case.summary}\n\n"
        f"## {'Workaround' if resolution and resolution.is_workaround else 'Fix'}\n"
        f"{resolution.done if resolution else ''}\n\n"
        f"_Written from {case.ref}._"
    )
    return {
        "title": case.summary,
        "symptoms": "\n".join(symptoms),
        "services": case.service_key if case.support_status == "supported" else "",
        "categories": case.category if case.category != "unknown" else "",
        "request_types": case.request_type if case.request_type != "unknown" else "",
        "body": body,
    }
