"""The message shortcut "Open a case": the intake form, prefilled from the message, which keeps
its permalink so the case always points back to where the problem was reported."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.desk import Desk
from bot.intake_fields import SUMMARY_MAX
from bot.text import clip, plain
from bot.views.intake_modal import IntakePrefill, intake_modal
from handlers.replies import tell_error

log = logging.getLogger(__name__)
CALLBACK = "open_case_from_message"
BOT_AUTHOR = (
    "A bot posted this message, so its author cannot be the requester: choose the person "
    "who needs help."
)


def register(app: App, desk: Desk) -> None:
    @app.shortcut(CALLBACK)
    def open_case(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        ts = message.get("ts")
        text = plain(message.get("text") or "")
        by_bot = bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
        author = None if by_bot else message.get("user")
        prefill = IntakePrefill(
            reporter_id=user,
            requester_id=author or user,
            note=BOT_AUTHOR if by_bot else "",
            contact_channel="slack_message",
            summary=clip(text.splitlines()[0] if text else "", SUMMARY_MAX),
            description=clip(text, 3000),
            source_channel=channel,
            source_ts=ts,
            source_permalink=_permalink(client, channel, ts),
        )
        try:
            client.views_open(
                trigger_id=body["trigger_id"], view=intake_modal(desk.policy, prefill)
            )
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc.response.get("error"))
            tell_error(
                body,
                client,
                None,
                "The form could not open in time (Slack allows 3 seconds); use the shortcut again.",
            )


def _permalink(client: WebClient, channel: str | None, ts: str | None) -> str | None:
    if not channel or not ts:
        return None
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except SlackApiError as exc:
        log.info("no permalink for %s/%s: %s", channel, ts, exc.response.get("error"))
        return None
