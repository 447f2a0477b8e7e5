"""Modal submissions: intake, the duplicate choice, classification, override and decline.

Answers go back in the acknowledgement (`response_action`), because that is the only way to
show a field error in place or to move the modal on to its next step.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.desk import Desk, HeldForDuplicates, Recorded
from bot.errors import UserFacingError
from bot.intake_fields import FieldError
from bot.reclassify import AnswersRefused
from bot.render.common import section
from bot.text import escape
from bot.views import (
    classify_modal,
    decision_modals,
    intake_modal,
    self_service_modal,
    update_modal,
)
from bot.views.inputs import SubmittedState, input_block_ids
from bot.views.results import DUPLICATES_CALLBACK, NEW_CASE, duplicates_view, recorded_view
from handlers.people import check_person

log = logging.getLogger(__name__)
# Field errors on fields the modal has no input for are shown on the summary.
FALLBACK_BLOCK = "summary"


def register(app: App, desk: Desk) -> None:
    policy = desk.policy

    @app.view(intake_modal.CALLBACK)
    def intake(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        reporter = body["user"]["id"]
        fields = intake_modal.parse_intake(policy, view, reporter_id=reporter)
        errors = intake_modal.missing_required(policy, view)
        for block, message in _by_block(desk.intake.check(fields), view).items():
            errors.setdefault(block, message)
        if "requester_id" not in errors and fields.requester_id != reporter:
            try:  # INTAKE-2: the requester is a person, checked before anything is recorded
                check_person(client, fields.requester_id, choose="choose the person who needs help")
            except UserFacingError as exc:
                errors["requester_id"] = str(exc)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        try:
            result = desk.intake.record(fields, request_key=f"view:{view.get('id')}")
        except UserFacingError as exc:
            ack(response_action="errors", errors={FALLBACK_BLOCK: str(exc)[:2000]})
            return
        ack(response_action="update", view=_next_view(result))

    @app.view(self_service_modal.CALLBACK)
    def self_service(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        """INTAKE-1's self-service form: recorded at once, with no look-alikes shown (they
        are other people's cases; the desk links duplicates afterwards)."""
        fields = self_service_modal.parse_self_service(policy, view, user=body["user"]["id"])
        errors = self_service_modal.missing_required(view)
        for block, message in _by_block(desk.intake.check(fields), view).items():
            errors.setdefault(block, message)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        try:
            result = desk.intake.record(
                fields, request_key=f"view:{view.get('id')}", check_duplicates=False
            )
        except UserFacingError as exc:
            ack(response_action="errors", errors={FALLBACK_BLOCK: str(exc)[:2000]})
            return
        assert isinstance(result, Recorded)  # no duplicate hold without the duplicate check
        ref = result.case.ref
        ack(
            response_action="update",
            view=_done(
                "Request sent",
                f"Your request is recorded as *{ref}*. The desk will message you with the time "
                f"of its first response; `/case show {ref}` shows where it stands.",
            ),
        )

    @app.view(DUPLICATES_CALLBACK)
    def duplicates(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        state = SubmittedState(view)
        draft = state.metadata.get("draft")
        choice = state.choice("choice", default=NEW_CASE)
        actor = body["user"]["id"]
        try:
            if not isinstance(draft, int):
                raise UserFacingError("This form lost track of its intake; start again with /case.")
            if choice == NEW_CASE:
                result = desk.intake.record_draft(draft, actor=actor)
            elif choice.isdigit():
                result = desk.intake.link_draft(draft, int(choice), actor=actor)
            else:
                raise UserFacingError("Choose one of the options.")
        except UserFacingError as exc:
            ack(response_action="errors", errors={"choice": str(exc)[:2000]})
            return
        ack(
            response_action="update",
            view=_linked_view(result) if choice != NEW_CASE else recorded_view(result),
        )

    @app.view(classify_modal.CALLBACK)
    def classify(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            number, change, reason = classify_modal.parse_classification(policy, view)
        except ValueError as exc:
            ack(response_action="errors", errors={"reason": str(exc)[:2000]})
            return
        if not reason:
            ack(response_action="errors", errors={"reason": "Give a reason for the change."})
            return
        try:
            summary = desk.work.reclassify(number, change, actor=body["user"]["id"], reason=reason)
        except AnswersRefused as exc:
            blocks = input_block_ids(view)
            ack(
                response_action="errors",
                errors={
                    (e.field if e.field in blocks else "reason"): e.message[:2000]
                    for e in exc.errors
                },
            )
            return
        except UserFacingError as exc:
            ack(response_action="errors", errors={"reason": str(exc)[:2000]})
            return
        ack(
            response_action="update",
            view=_done(
                "Classification saved",
                f"*{summary.ref}* is now {summary.priority} "
                f"{summary.priority_label}. The coordinator, the desk and the requester are told.",
            ),
        )

    @app.view(update_modal.CALLBACK)
    def status_update(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            number, text = update_modal.parse_update(view)
            summary = desk.work.post_update(number, actor=body["user"]["id"], text=text)
        except ValueError as exc:
            ack(response_action="errors", errors={"text": str(exc)[:2000]})
            return
        ack(
            response_action="update",
            view=_done(
                "Update posted",
                f"*{summary.ref}*: the update is on its way to everyone following the case.",
            ),
        )

    @app.view(decision_modals.OVERRIDE)
    def override(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        _decide(ack, body, view, approve=True)

    @app.view(decision_modals.DECLINE)
    def decline(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        _decide(ack, body, view, approve=False)

    def _decide(ack: Ack, body: dict[str, Any], view: dict[str, Any], *, approve: bool) -> None:
        try:
            number, reason, lasting = decision_modals.parse_decision(view)
        except ValueError as exc:
            ack(response_action="errors", errors={"reason": str(exc)[:2000]})
            return
        actor = body["user"]["id"]
        try:
            if approve:
                summary = desk.work.approve_override(
                    number, actor=actor, reason=reason, lasting=lasting
                )
            else:
                summary = desk.work.decline(number, actor=actor, reason=reason)
        except UserFacingError as exc:
            ack(response_action="errors", errors={"reason": str(exc)[:2000]})
            return
        outcome = "approved; the case is routed" if approve else "declined and closed"
        ack(
            response_action="update",
            view=_done("Decision recorded", f"*{summary.ref}*: {outcome}."),
        )


def _by_block(errors: list[FieldError], view: dict[str, Any]) -> dict[str, str]:
    """Each problem under its own field; problems without a field go on the summary."""
    blocks = {b.get("block_id") for b in view.get("blocks") or [] if isinstance(b, dict)}
    shown: dict[str, str] = {}
    for error in errors:
        block = error.field if error.field in blocks or not blocks else FALLBACK_BLOCK
        shown[block] = (shown[block] + " " if block in shown else "") + error.message
    return {k: v[:2000] for k, v in shown.items()}


def _next_view(result: Recorded | HeldForDuplicates) -> View:
    if isinstance(result, HeldForDuplicates):
        return duplicates_view(result)
    return recorded_view(result)


def _linked_view(result: Recorded) -> View:
    return _done(
        "Contact linked",
        f"Linked to *{result.case.ref}* "
        f"({escape(result.case.summary)}); the caller will get its updates.",
    )


def _done(title: str, text: str) -> View:
    return View(type="modal", title=title[:24], close="Done", blocks=[section(text)])
