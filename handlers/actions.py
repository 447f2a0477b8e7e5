"""Buttons: Take it, Reclassify / Complete the classification, Confirm / Correct classification
(INTAKE-5), override decisions, and the duplicate choices of `/case new`."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.desk import Desk
from bot.errors import UserFacingError
from bot.render.cards import (
    ACTION_COMPLETE,
    ACTION_CONFIRM,
    ACTION_CORRECT,
    ACTION_DECLINE,
    ACTION_OVERRIDE,
    ACTION_RECLASSIFY,
    ACTION_TAKE,
)
from bot.render.sla_notes import ACTION_POST_UPDATE, ACTION_SHOW
from bot.views.results import ACTION_LINK, ACTION_RECORD_ANYWAY, recorded_message
from handlers.case_view import case_card
from handlers.estimates import took_message
from handlers.replies import actor_of, answer, button, tell_error

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


def _value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _number(body: dict[str, Any]) -> int:
    value = _value(body)
    if not value.isdigit():
        raise UserFacingError("That button does not point at a case; refresh and try again.")
    return int(value)


def register(app: App, desk: Desk) -> None:
    def take_it(body: dict[str, Any]) -> dict[str, Any]:
        summary = desk.work.take(_number(body), actor=actor_of(body))
        return took_message(desk, summary.number, estimated=False)

    button(app, ACTION_TAKE, take_it)

    def confirm(body: dict[str, Any]) -> dict[str, Any]:
        summary = desk.work.confirm(_number(body), actor=actor_of(body))
        if summary.is_major:
            then = "it is a major incident now: the case channel opens and the broadcast goes out."
        else:
            then = "the card no longer asks for validation."
        return {"text": f"Confirmed {summary.ref}; {then}"}

    button(app, ACTION_CONFIRM, confirm)

    @app.action(re.compile(f"^({ACTION_RECLASSIFY}|{ACTION_COMPLETE}|{ACTION_CORRECT})$"))
    def reclassify(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        action = (body.get("actions") or [{}])[0].get("action_id")
        _open(
            body,
            client,
            respond,
            lambda number: desk.forms.classify(
                number,
                actor=actor_of(body),
                completing=action == ACTION_COMPLETE,
                correcting=action == ACTION_CORRECT,
            ),
        )

    @app.action(ACTION_OVERRIDE)
    def override(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        _open(body, client, respond, lambda n: desk.forms.override(n, actor=actor_of(body)))

    @app.action(ACTION_DECLINE)
    def decline(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        _open(body, client, respond, lambda n: desk.forms.decline(n, actor=actor_of(body)))

    @app.action(ACTION_POST_UPDATE)
    def post_update(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        _open(body, client, respond, lambda n: desk.forms.update(n, actor=actor_of(body)))

    def show(body: dict[str, Any]) -> dict[str, Any]:
        return case_card(desk, _number(body), actor_of(body))

    button(app, ACTION_SHOW, show)

    @app.action(ACTION_RECORD_ANYWAY)
    def record_anyway(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        answer(
            body,
            client,
            respond,
            lambda: recorded_message(desk.intake.record_draft(_number(body), actor=actor_of(body))),
            replace=True,
        )

    def link(body: dict[str, Any]) -> dict[str, Any]:
        draft, _, number = _value(body).partition(":")
        if not (draft.isdigit() and number.isdigit()):
            raise UserFacingError("That button is damaged; run `/case new` again.")
        result = desk.intake.link_draft(int(draft), int(number), actor=actor_of(body))
        return {
            "text": f"Linked to {result.case.ref} instead of opening a new case; the "
            "caller will get its updates."
        }

    button(app, re.compile(f"^{ACTION_LINK}_\\d+$"), link, replace=True)

    def _open(
        body: dict[str, Any], client: WebClient, respond: Any, build: Callable[[int], View]
    ) -> None:
        """Open a modal about the button's case; refusals are answered to the clicker."""
        try:
            view = build(_number(body))
            client.views_open(trigger_id=body["trigger_id"], view=view)
        except UserFacingError as exc:
            tell_error(body, client, respond, str(exc))
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc.response.get("error"))
            tell_error(body, client, respond, "The form could not open in time; click again.")
