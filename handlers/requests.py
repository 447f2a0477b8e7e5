"""WORK-5 in Slack: `/case answer` (information), `/case request`, `/case prereq`,
`/case authorize`, `/case refuse`, and the requester's and manager's buttons."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.desk import Desk
from bot.errors import UserFacingError
from bot.render.request_notes import (
    ACTION_AUTHORIZE,
    ACTION_GOT_IT,
    ACTION_NOT_ANSWERED,
    ACTION_PREREQ,
)
from bot.text import plain
from handlers.modal_buttons import pair
from handlers.replies import actor_of, button
from handlers.subcommands import Subcommand, case_and_rest

ARTICLE = re.compile(r"^KB-\d+$", re.IGNORECASE)


def _answer(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, rest = case_and_rest(desk, text, command, "answer")
    ids = rest.replace(",", " ").split()
    wrong = [i for i in ids if not ARTICLE.match(i)]
    if wrong or not ids:
        raise UserFacingError(
            f"Name articles as KB-12 (not {', '.join(map(repr, wrong)) or 'nothing'}): "
            f"`/case answer CASE-{number} KB-12 KB-14`."
        )
    summary = desk.requests.answer_information(
        number, actor=str(command["user_id"]), article_ids=ids
    )
    return {
        "text": f"Sent {len(dict.fromkeys(i.upper() for i in ids))} article link(s) to "
        f"<@{summary.requester_id}>; {summary.ref} closes when they confirm they got it."
    }


def _request(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, item = case_and_rest(desk, text, command, "request")
    if not item.strip():
        items = ", ".join(f"`{k}` ({v.name})" for k, v in desk.policy.requests.items())
        raise UserFacingError(
            f"Name the catalog item: `/case request CASE-{number} <item>`. {items}"
        )
    summary = desk.requests.apply_catalog_item(
        number, actor=str(command["user_id"]), item_key=item.strip()
    )
    return {"text": f"{summary.ref} now follows `{item.strip()}`; the procedure is in your DMs."}


def _prereq(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, which = case_and_rest(desk, text, command, "prereq")
    if not which.strip().isdigit():
        raise UserFacingError(f"Give the prerequisite's number: `/case prereq CASE-{number} 1`.")
    summary = desk.requests.meet_prerequisite(
        number, actor=str(command["user_id"]), prerequisite=int(which.strip())
    )
    return {"text": f"Prerequisite {which.strip()} of {summary.ref} is met."}


def _authorize(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, _rest = case_and_rest(desk, text, command, "authorize")
    summary = desk.requests.authorize_request(number, actor=str(command["user_id"]), approve=True)
    return {"text": f"Authorised {summary.ref}; the requester is told and given the estimate."}


def _refuse(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, reason = case_and_rest(desk, text, command, "refuse")
    summary = desk.requests.authorize_request(
        number, actor=str(command["user_id"]), approve=False, reason=plain(reason)
    )
    return {"text": f"Refused {summary.ref}; the requester and coordinator have your reason."}


SUBCOMMANDS = [
    Subcommand(
        name="answer",
        usage="CASE-1042 KB-12 [KB-14 …]",
        summary="information requests: send the articles that answer it; it closes when the "
        "requester confirms they got it",
        run=_answer,
    ),
    Subcommand(
        name="request",
        usage="CASE-1042 <catalog item>",
        summary="start the catalog procedure (prerequisites, authorisation, estimate) or, for "
        "a new service, the change",
        run=_request,
    ),
    Subcommand(
        name="prereq",
        usage="CASE-1042 <n>",
        summary="record prerequisite n of the procedure as met",
        run=_prereq,
    ),
    Subcommand(
        name="authorize",
        usage="CASE-1042",
        summary="managers: authorise a request whose catalog item needs it",
        run=_authorize,
    ),
    Subcommand(
        name="refuse",
        usage="CASE-1042 <reason>",
        summary="managers: refuse it, with the reason",
        run=_refuse,
    ),
]


def register(app: App, desk: Desk) -> None:
    def confirmed(body: dict[str, Any], *, got_it: bool) -> dict[str, Any]:
        summary = desk.requests.confirm_information(
            pair(body)[0], actor=actor_of(body), got_it=got_it
        )
        if got_it:
            return {"text": f"Thank you; {summary.ref} is {summary.state.replace('_', ' ')}."}
        return {"text": f"Sorry about that; {summary.ref} is back with the desk."}

    def prerequisite_met(body: dict[str, Any]) -> dict[str, Any]:
        number, which = pair(body)
        summary = desk.requests.meet_prerequisite(number, actor=actor_of(body), prerequisite=which)
        return {"text": f"Prerequisite {which} of {summary.ref} is met."}

    def authorised(body: dict[str, Any]) -> dict[str, Any]:
        summary = desk.requests.authorize_request(pair(body)[0], actor=actor_of(body), approve=True)
        return {"text": f"Authorised {summary.ref}."}

    button(app, ACTION_GOT_IT, lambda body: confirmed(body, got_it=True))
    button(app, ACTION_NOT_ANSWERED, lambda body: confirmed(body, got_it=False))
    button(app, re.compile(f"^{ACTION_PREREQ}_\\d+$"), prerequisite_met)
    button(app, ACTION_AUTHORIZE, authorised)
