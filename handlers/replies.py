"""Answering the person who acted, the same way from every listener."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import TRY_AGAIN, UserFacingError, is_database_outage
from bot.views.results import error_message

log = logging.getLogger(__name__)

SORRY = (
    "Something went wrong on our side and nothing was changed. Please try again; if it "
    "keeps happening, tell the desk's administrators."
)


def tell(
    body: dict[str, Any],
    client: WebClient,
    respond: Any,
    message: dict[str, Any],
    *,
    replace: bool = False,
) -> None:
    """An ephemeral answer: through response_url when the payload has one, else the Web API."""
    if body.get("response_url") and respond is not None:
        try:
            respond(replace_original=replace, response_type="ephemeral", **message)
            return
        except Exception:  # fall back to the Web API below
            log.warning("response_url failed; answering with chat.postEphemeral", exc_info=True)
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
    try:
        if channel and user:
            client.chat_postEphemeral(channel=channel, user=user, **message)
        elif user:
            client.chat_postMessage(channel=user, **message)
    except SlackApiError as exc:
        log.warning("could not answer %s: %s", user, exc.response.get("error"))


def tell_error(body: dict[str, Any], client: WebClient, respond: Any, text: str) -> None:
    tell(body, client, respond, error_message(text))


def actor_of(body: dict[str, Any]) -> str:
    user = body.get("user")
    if isinstance(user, dict) and isinstance(user.get("id"), str):
        return str(user["id"])
    return str(body.get("user_id", ""))


def answer(
    body: dict[str, Any],
    client: WebClient,
    respond: Any,
    work: Callable[[], dict[str, Any]],
    *,
    replace: bool = False,
) -> None:
    """Do the button's work and tell the clicker how it went, success or refusal."""
    try:
        message = work()
    except UserFacingError as exc:
        tell_error(body, client, respond, str(exc))
        return
    except Exception as exc:
        if not is_database_outage(exc):
            raise
        log.warning("database out of reach during a button's work: %s", exc)
        tell_error(body, client, respond, TRY_AGAIN)
        return
    tell(body, client, respond, message, replace=replace)


def button(
    app: App,
    action: str | re.Pattern[str],
    work: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    replace: bool = False,
) -> None:
    """A button acknowledged at once whose work (given the click's body) answers the clicker,
    success or refusal, through `answer`."""

    @app.action(action)
    def clicked(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        answer(body, client, respond, lambda: work(body), replace=replace)
