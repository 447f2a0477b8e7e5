"""BCAST-4's "Is this about CASE-n?" in Slack: Yes files the held message on the case;
"No, it's something new" opens the self-service form with the requester's words."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.desk import Desk
from bot.errors import UserFacingError
from bot.render.voice_notes import ACTION_DM_NEW, ACTION_DM_YES
from bot.views.self_service_modal import SelfServicePrefill, self_service_modal
from handlers.modal_buttons import pair
from handlers.replies import actor_of, button, tell, tell_error

log = logging.getLogger(__name__)


def register(app: App, desk: Desk) -> None:
    def about_case(body: dict[str, Any]) -> dict[str, Any]:
        number, draft = pair(body, points_at="your message")
        summary = desk.dm_questions.file_dm(draft, number, actor=actor_of(body))
        return {"text": f"Added to {summary.ref}: the desk has your message."}

    button(app, ACTION_DM_YES, about_case, replace=True)

    @app.action(ACTION_DM_NEW)
    def something_new(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        try:
            _number, draft = pair(body, points_at="your message")
            words = desk.dm_questions.dm_is_new(draft, actor=actor_of(body))
            prefill = SelfServicePrefill(summary=words.summary, description=words.description)
            client.views_open(
                trigger_id=body["trigger_id"], view=self_service_modal(desk.policy, prefill)
            )
        except UserFacingError as exc:
            tell_error(body, client, respond, str(exc))
            return
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc.response.get("error"))
            tell_error(
                body, client, respond, "The form could not open in time; type `/case` instead."
            )
            return
        message = {
            "text": "A new problem, then: tell us about it in the form (your words are in it)."
        }
        tell(body, client, respond, message, replace=True)
