"""Buttons: Take it, Reclassify / Complete the classification, override decisions, and the
duplicate choices of `/case new`."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.desk import Desk
from bot.errors import UserFacingError
from bot.render.cards import (
    ACTION_COMPLETE,
    ACTION_DECLINE,
    ACTION_OVERRIDE,
    ACTION_RECLASSIFY,
    ACTION_TAKE,
)
from bot.views.classify_modal import classify_modal
from bot.views.decision_modals import decline_modal, override_modal
from bot.views.results import ACTION_LINK, ACTION_RECORD_ANYWAY, recorded_message
from handlers.replies import actor_of, tell, tell_error

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
    @app.action(ACTION_TAKE)
    def take_it(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        try:
            summary = desk.take(_number(body), actor=actor_of(body))
        except UserFacingError as exc:
            tell_error(body, client, respond, str(exc))
            return
        tell(
            body,
            client,
            respond,
            {
                "text": f"You took {summary.ref} and are now its "
                "coordinator. The requester has been told."
            },
        )

    @app.action(re.compile(f"^({ACTION_RECLASSIFY}|{ACTION_COMPLETE})$"))
    def reclassify(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        completing = (body.get("actions") or [{}])[0].get("action_id") == ACTION_COMPLETE
        _open(
            body,
            client,
            respond,
            lambda number: desk.read(
                number, lambda case: classify_modal(desk.policy, case, completing=completing)
            ),
        )

    @app.action(ACTION_OVERRIDE)
    def override(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        if not desk.policy.has_role(actor_of(body), "override_approvers"):
            tell_error(
                body,
                client,
                respond,
                "Only the override approvers role may approve work "
                "on an unsupported service. Ask a desk manager.",
            )
            return
        _open(body, client, respond, lambda number: desk.read(number, override_modal))

    @app.action(ACTION_DECLINE)
    def decline(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        actor = actor_of(body)
        if not (
            desk.policy.has_role(actor, "service_desk")
            or desk.policy.has_role(actor, "override_approvers")
        ):
            tell_error(
                body,
                client,
                respond,
                "Only the service desk or an override approver may decline a case.",
            )
            return
        _open(body, client, respond, lambda number: desk.read(number, decline_modal))

    @app.action(ACTION_RECORD_ANYWAY)
    def record_anyway(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        try:
            result = desk.record_draft(_number(body), actor=actor_of(body))
        except UserFacingError as exc:
            tell_error(body, client, respond, str(exc))
            return
        tell(body, client, respond, recorded_message(result), replace=True)

    @app.action(ACTION_LINK)
    def link(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        draft, _, number = _value(body).partition(":")
        try:
            if not (draft.isdigit() and number.isdigit()):
                raise UserFacingError("That button is damaged; run `/case new` again.")
            result = desk.link_draft(int(draft), int(number), actor=actor_of(body))
        except UserFacingError as exc:
            tell_error(body, client, respond, str(exc))
            return
        tell(
            body,
            client,
            respond,
            {
                "text": f"Linked to {result.case.ref} instead of opening a "
                "new case; the caller will get its updates."
            },
            replace=True,
        )

    def _open(body: dict[str, Any], client: WebClient, respond: Any, build: Any) -> None:
        try:
            view: View = build(_number(body))
            client.views_open(trigger_id=body["trigger_id"], view=view)
        except UserFacingError as exc:
            tell_error(body, client, respond, str(exc))
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc.response.get("error"))
            tell_error(body, client, respond, "The form could not open in time; click again.")
