"""ROUTE-3 in Slack: `/case handoff`, the "Hand over" button and its modal, Accept / Decline
on the offer, the decline reason, and the supervisor's "Hand to someone else"."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.desk import Desk
from bot.errors import UserFacingError
from bot.render.cards import ACTION_HANDOFF
from bot.render.handoff_notes import (
    ACTION_HANDOFF_ACCEPT,
    ACTION_HANDOFF_DECLINE,
    ACTION_HANDOFF_ELSEWHERE,
)
from bot.text import plain
from bot.views import handoff_modals
from handlers.modal_buttons import done, open_about, pair
from handlers.people import check_person
from handlers.replies import actor_of, button
from handlers.subcommands import Subcommand, case_and_rest

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
USAGE = "[CASE-1042] @person [note]"


def person(client: WebClient, word: str, *, ref: str) -> str:
    """The Slack user a mention names, checked with users.info: a real, active person."""
    if not word:
        raise UserFacingError(f"Name the next coordinator: `/case handoff {ref} @person [note]`.")
    found = MENTION.match(word)
    if found is None:
        raise UserFacingError(
            f"I don't know anyone called {plain(word)!r} here. Pick the person from Slack's @ "
            f"list so the name becomes a mention: `/case handoff {ref} @person [note]`."
        )
    user_id = found.group(1)
    check_person(client, user_id, choose="choose someone else")
    return user_id


def _handoff(desk: Desk, text: str, command: dict[str, Any], client: WebClient) -> dict[str, Any]:
    actor = str(command["user_id"])
    first, _, rest = text.partition(" ")
    if first.lower() == "cancel":
        number, _rest = case_and_rest(desk, rest.strip(), command, "handoff cancel")
        summary = desk.work.cancel_handoff(number, actor=actor)
        return {"text": f"The handoff of {summary.ref} is withdrawn; you may offer it again."}
    number, rest = case_and_rest(desk, text, command, "handoff")
    word, _, note = rest.strip().partition(" ")
    to_user = person(client, word, ref=f"CASE-{number}")
    summary = desk.work.handoff(number, actor=actor, to_user=to_user, note=plain(note))
    return {
        "text": f"{summary.ref} is offered to <@{to_user}> with its brief. You stay its "
        "coordinator until they accept; you will hear their answer."
    }


SUBCOMMANDS = [
    Subcommand(
        name="handoff",
        usage=f"{USAGE}  ·  cancel [CASE-1042]",
        summary="offer the case to the next coordinator, who must accept",
        run=_handoff,
    )
]


def register(app: App, desk: Desk) -> None:
    @app.action(ACTION_HANDOFF)
    def hand_over(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        actor = actor_of(body)
        open_about(
            desk,
            body,
            client,
            respond,
            lambda number, _row: desk.forms.handoff(number, actor=actor),
        )

    @app.action(ACTION_HANDOFF_ELSEWHERE)
    def elsewhere(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        actor = actor_of(body)

        def build(number: int, handoff_id: int) -> View:
            return desk.forms.handoff(number, actor=actor, replacing=handoff_id)

        open_about(desk, body, client, respond, build)

    def accept(body: dict[str, Any]) -> dict[str, Any]:
        number, handoff_id = pair(body)
        summary = desk.work.accept_handoff(number, handoff_id, actor=actor_of(body))
        return {
            "text": f"You are now the coordinator of {summary.ref}. The previous coordinator "
            "and the requester have been told."
        }

    button(app, ACTION_HANDOFF_ACCEPT, accept)

    @app.action(ACTION_HANDOFF_DECLINE)
    def decline(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        actor = actor_of(body)

        def build(number: int, handoff_id: int) -> View:
            return desk.forms.decline_handoff(number, handoff_id, actor=actor)

        open_about(desk, body, client, respond, build)

    @app.view(handoff_modals.HANDOFF)
    def offered(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        try:
            number, to_user, note, replacing = handoff_modals.parse_handoff(view)
        except ValueError:
            ack(response_action="errors", errors={"to": "This form lost its case; reopen it."})
            return
        try:
            person(client, f"<@{to_user}>" if to_user else "", ref=f"CASE-{number}")
            summary = desk.work.handoff(
                number, actor=body["user"]["id"], to_user=to_user, note=note, replacing=replacing
            )
        except UserFacingError as exc:
            ack(response_action="errors", errors={"to": _field(exc)})
            return
        ack(
            response_action="update",
            view=done(
                "Handoff offered",
                f"*{summary.ref}* is offered to <@{to_user}>. The current coordinator stays "
                "until they accept.",
            ),
        )

    @app.view(handoff_modals.DECLINE)
    def declined(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            number, handoff_id, reason = handoff_modals.parse_decline(view)
            summary = desk.work.decline_handoff(
                number, handoff_id, actor=body["user"]["id"], reason=reason
            )
        except ValueError as exc:  # UserFacingError is a ValueError
            ack(response_action="errors", errors={"reason": _field(exc)})
            return
        ack(
            response_action="update",
            view=done("Handoff declined", f"*{summary.ref}*: the coordinator has your reason."),
        )


def _field(exc: Exception) -> str:
    return str(exc)[:2000]
