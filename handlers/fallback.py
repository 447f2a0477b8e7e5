"""Registered last: a button no listener knows (a message from an older version of the bot, or a
forged payload) gets a plain answer instead of Slack's "the app did not respond"."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers.replies import tell_error

STALE = (
    "That button is no longer in use, so nothing was changed. Open the case again "
    "(`/case show CASE-1042`) for its current buttons."
)


def register(app: App) -> None:
    @app.action(re.compile(".*"))
    def unknown_button(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        tell_error(body, client, respond, STALE)
