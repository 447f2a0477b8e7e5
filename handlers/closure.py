"""CLOSE-1, CLOSE-2 and CLOSE-4 in Slack: `/case resolve`, `/case verify`, `/case close`, the
Resolve / Verify with the requester / Close buttons, the requester's Yes / No, and the forms."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.closure import Attempt
from bot.desk import CaseSummary, Desk
from bot.duplicates import DuplicateRefused
from bot.errors import UserFacingError
from bot.render.closure_notes import (
    ACTION_APPROVE,
    ACTION_BROKEN,
    ACTION_CLOSE,
    ACTION_REJECT,
    ACTION_RESOLVE,
    ACTION_VERIFY,
    ACTION_WITHDRAW,
    ACTION_WORKS,
    ACTION_WRITE_ARTICLE,
)
from bot.render.survey_notes import ACTION_PREFIX as SURVEY_PREFIX
from bot.text import plain
from bot.views import closure_modals
from bot.views.inputs import VALUE, FormLost, SubmittedState
from handlers.modal_buttons import done, open_about, pair
from handlers.replies import actor_of, answer, button
from handlers.subcommands import Subcommand, case_and_rest, period_days, staff_only

log = logging.getLogger(__name__)


def _resolve(desk: Desk, text: str, command: dict[str, Any], client: WebClient) -> dict[str, Any]:
    number, what = case_and_rest(desk, text, command, "resolve")
    if not what.strip():
        _open_form(desk, client, command, number, resolve_form(desk, str(command["user_id"])))
        return {"text": f"The resolution form for CASE-{number} is open."}
    fix = "workaround" if what.lower().startswith("workaround") else "fix"
    summary = desk.closing.propose_resolution(
        number, actor=str(command["user_id"]), attempt=Attempt(done=plain(what), fix=fix)
    )
    return {"text": f"Proposed on {summary.ref}; its coordinator is asked to verify it."}


def _verify(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, _rest = case_and_rest(desk, text, command, "verify")
    summary = desk.closing.ask_requester(number, actor=str(command["user_id"]))
    return {"text": f"Asked <@{summary.requester_id}> whether {summary.ref} works now."}


def _close(desk: Desk, text: str, command: dict[str, Any], client: WebClient) -> dict[str, Any]:
    number, _rest = case_and_rest(desk, text, command, "close")
    _open_form(desk, client, command, number, close_form(desk, str(command["user_id"])))
    return {"text": f"The close form for CASE-{number} is open."}


def resolve_form(desk: Desk, actor: str) -> Callable[[int], View]:
    """The resolve form, for those who may propose a resolution (checked before it opens)."""
    return lambda number: desk.forms.resolve(number, actor=actor)


def close_form(desk: Desk, actor: str) -> Callable[[int], View]:
    """The close form, for those who may close the case (checked before it opens)."""
    return lambda number: desk.forms.close(number, actor=actor)


def _open_form(
    desk: Desk,
    client: WebClient,
    command: dict[str, Any],
    number: int,
    build: Callable[[int], View],
) -> None:
    try:
        client.views_open(trigger_id=command["trigger_id"], view=build(number))
    except SlackApiError as exc:
        log.warning("views.open failed: %s", exc.response.get("error"))
        raise UserFacingError(
            "The form could not open in time (Slack allows 3 seconds); run it again."
        ) from None


def _withdraw(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, reason = case_and_rest(desk, text, command, "withdraw")
    actor = str(command["user_id"])
    summary = desk.closing.withdraw(number, actor=actor, reason=plain(reason))
    return withdrawn_message(summary, actor)


def withdrawn_message(summary: CaseSummary, actor: str) -> dict[str, Any]:
    if actor != summary.requester_id:  # the desk withdrew it for a requester who called
        return {
            "text": f"{summary.ref} is withdrawn for its requester and closed; they have "
            "been told, and no survey follows."
        }
    return {
        "text": f"{summary.ref} is withdrawn and closed; the desk has been told. Type `/case` "
        "whenever you need help again."
    }


def _approve(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, _rest = case_and_rest(desk, text, command, "approve")
    summary = desk.closing.approve_close(number, actor=str(command["user_id"]))
    return {"text": f"Approved: {summary.ref} is closed."}


def _reject(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, reason = case_and_rest(desk, text, command, "reject")
    summary = desk.closing.reject_close(number, actor=str(command["user_id"]), reason=plain(reason))
    return {"text": f"Rejected the close of {summary.ref}; the coordinator has your reason."}


def _surveys(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    staff_only(desk, command, "read the survey figures")
    days = period_days(text, "surveys")
    found = desk.closing.survey_figures(days=days, actor=str(command["user_id"]))
    mean = f"{found.overall_mean:.1f} / 5" if found.overall_mean is not None else "no answers yet"
    return {
        "text": f"*Surveys, last {days} days*: {found.sent} sent, {found.answered} answered "
        f"({found.answer_rate:.0%} answer rate), {found.completed} complete; overall "
        f"satisfaction {mean}."
    }


SUBCOMMANDS = [
    Subcommand(
        name="resolve",
        usage="[CASE-1042] [what was done]",
        summary="propose a resolution (the form without text); the coordinator verifies it",
        run=_resolve,
    ),
    Subcommand(
        name="verify",
        usage="[CASE-1042]",
        summary='ask the requester "Is it working now?"',
        run=_verify,
    ),
    Subcommand(
        name="close",
        usage="[CASE-1042]",
        summary="the close form: code, root cause, fix, knowledge base, service restored",
        run=_close,
    ),
    Subcommand(
        name="withdraw",
        usage="CASE-1042 [reason]",
        summary="requesters: withdraw your own open case (it is closed, the desk is told)",
        run=_withdraw,
    ),
    Subcommand(
        name="surveys",
        usage="[days]",
        summary="survey figures: sent, answer rate, overall satisfaction",
        run=_surveys,
    ),
    Subcommand(
        name="approve",
        usage="[CASE-1042]",
        summary="managers: approve a close that waits for approval",
        run=_approve,
    ),
    Subcommand(
        name="reject",
        usage="[CASE-1042] <reason>",
        summary="managers: send a close back to the coordinator, with the reason",
        run=_reject,
    ),
]


def register(app: App, desk: Desk) -> None:
    def opener(build: Any) -> Any:
        def opened(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
            ack()
            open_about(desk, body, client, respond, lambda number, _row: build(number))

        return opened

    def checked(form: Callable[[Desk, str], Callable[[int], View]]) -> Any:
        def opened(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
            ack()
            build = form(desk, actor_of(body))
            open_about(desk, body, client, respond, lambda number, _row: build(number))

        return opened

    app.action(ACTION_RESOLVE)(checked(resolve_form))
    app.action(ACTION_CLOSE)(checked(close_form))
    app.action(ACTION_BROKEN)(opener(desk.forms.broken))

    def verify(body: dict[str, Any]) -> dict[str, Any]:
        number = pair(body)[0]
        summary = desk.closing.ask_requester(number, actor=actor_of(body))
        return {"text": f"Asked <@{summary.requester_id}> whether {summary.ref} works now."}

    button(app, ACTION_VERIFY, verify)

    def works(body: dict[str, Any]) -> dict[str, Any]:
        summary = desk.closing.answer_verification(
            pair(body)[0], actor=actor_of(body), working=True
        )
        return {"text": f"Thank you: {summary.ref} will be closed."}

    button(app, ACTION_WORKS, works)

    def withdraw(body: dict[str, Any]) -> dict[str, Any]:
        summary = desk.closing.withdraw(pair(body)[0], actor=actor_of(body))
        return withdrawn_message(summary, actor_of(body))

    button(app, ACTION_WITHDRAW, withdraw)

    @app.action({"block_id": "code", "action_id": VALUE})
    def code_chosen(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """The close form redraws for the code chosen: a short close asks for less."""
        ack()
        view = body.get("view") or {}
        if view.get("callback_id") != closure_modals.CLOSE:
            return
        chosen = ((body.get("actions") or [{}])[0].get("selected_option") or {}).get("value")
        try:
            number = SubmittedState(view).case_number()
            redrawn = desk.forms.close(number, actor=actor_of(body), code=str(chosen or ""))
            client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=redrawn)
        except (UserFacingError, FormLost) as exc:
            log.info("close form not redrawn: %s", exc)
        except SlackApiError as exc:  # hash_conflict: a later choice redrew it already
            log.info("close form not redrawn: %s", exc.response.get("error"))

    def approve(body: dict[str, Any]) -> dict[str, Any]:
        summary = desk.closing.approve_close(pair(body)[0], actor=actor_of(body))
        return {"text": f"Approved: {summary.ref} is closed."}

    button(app, ACTION_APPROVE, approve)

    app.action(ACTION_REJECT)(opener(desk.forms.reject_close))
    app.action(ACTION_WRITE_ARTICLE)(opener(desk.forms.write_article))

    @app.view(closure_modals.REJECT)
    def rejected(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            number, reason = closure_modals.parse_reject(view)
            summary = desk.closing.reject_close(number, actor=body["user"]["id"], reason=reason)
        except ValueError as exc:
            ack(response_action="errors", errors={"reason": str(exc)[:2000]})
            return
        ack(response_action="update", view=done("Rejected", f"*{summary.ref}* stays open."))

    @app.action(re.compile(f"^{SURVEY_PREFIX}[a-z]+_[a-z0-9]+$"))
    def survey_answer(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        question, _, choice = (
            str(action.get("action_id", "")).removeprefix(SURVEY_PREFIX).partition("_")
        )

        def work() -> dict[str, Any]:
            desk.closing.answer_survey(
                pair(body)[0], actor=actor_of(body), question=question, choice=choice
            )
            return {"text": "Thank you: noted."}

        answer(body, client, respond, work)

    @app.view(closure_modals.RESOLVE)
    def resolved(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            number, attempt = closure_modals.parse_resolve(view)
            summary = desk.closing.propose_resolution(
                number, actor=body["user"]["id"], attempt=attempt
            )
        except ValueError as exc:
            field = "fix" if "fix or a workaround" in str(exc) else "done"
            ack(response_action="errors", errors={field: str(exc)[:2000]})
            return
        ack(
            response_action="update",
            view=done(
                "Proposed", f"*{summary.ref}*: the coordinator verifies it with the requester."
            ),
        )

    @app.view(closure_modals.BROKEN)
    def broken(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            number, words = closure_modals.parse_broken(view)
            summary = desk.closing.answer_verification(
                number, actor=body["user"]["id"], working=False, words=words
            )
        except ValueError as exc:
            ack(response_action="errors", errors={"words": str(exc)[:2000]})
            return
        ack(response_action="update", view=done("Sent", f"*{summary.ref}* is open again."))

    @app.view(closure_modals.CLOSE)
    def closed(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            number, record = closure_modals.parse_close(view)
        except DuplicateRefused as exc:
            ack(**refused(view, {"duplicate_of": str(exc)[:2000]}))
            return
        except ValueError as exc:
            ack(response_action="errors", errors={"code": str(exc)})
            return
        empty = closure_modals.missing(record)
        if empty:
            ack(**refused(view, empty))
            return
        try:
            summary = desk.closing.close(number, actor=body["user"]["id"], record=record)
        except DuplicateRefused as exc:
            ack(**refused(view, {"duplicate_of": str(exc)[:2000]}))
            return
        except ValueError as exc:
            ack(response_action="errors", errors={"code": str(exc)[:2000]})
            return
        if summary.state == "closed":
            ack(response_action="update", view=done("Closed", f"*{summary.ref}* is closed."))
            return
        ack(
            response_action="update",
            view=done(
                "Sent for approval",
                f"*{summary.ref}* closes once a manager approves; they have been asked.",
            ),
        )


def refused(view: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """A close form's field errors, each on a field the open form shows."""
    return {"response_action": "errors", "errors": closure_modals.placed(view, errors)}
