"""`/case`: the intake form, `/case new` free-text intake, show, take and help."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.command_text import fields_from_command
from bot.desk import Desk, HeldForDuplicates, parse_case_ref
from bot.errors import UserFacingError
from bot.render.cards import queue_card
from bot.render.message import RenderContext
from bot.views.intake_modal import IntakePrefill, intake_modal
from bot.views.results import HELP, duplicates_message, error_message, recorded_message
from bot.vocabulary import CATEGORIES, REQUEST_TYPES

log = logging.getLogger(__name__)


def register(app: App, desk: Desk) -> None:
    @app.command("/case")
    def case_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        text = (command.get("text") or "").strip()
        verb, _, rest = text.partition(" ")
        user = command["user_id"]
        try:
            if not text:
                _open_intake(client, desk, command)
                ack()
            elif verb.lower() == "new":
                ack(**_new_case(desk, rest, user, command))
            elif verb.lower() == "take":
                summary = desk.take(parse_case_ref(rest), actor=user)
                ack(text=f"You took {summary.ref} and are now its coordinator.")
            elif verb.lower() == "show":
                ack(**_show(desk, rest, user))
            elif verb.lower() == "help":
                ack(text=help_text(desk))
            else:
                ack(**error_message(f"I don't know `/case {verb}`.\n\n{help_text(desk)}"))
        except UserFacingError as exc:
            ack(**error_message(str(exc)))


def help_text(desk: Desk) -> str:
    policy = desk.policy
    return HELP.format(
        services=", ".join(policy.services),
        impacts=", ".join(policy.impact_levels),
        urgencies=", ".join(policy.urgency_levels),
        types=", ".join(REQUEST_TYPES),
        categories=", ".join(CATEGORIES),
    )


def _new_case(desk: Desk, text: str, user: str, command: dict[str, Any]) -> dict[str, Any]:
    fields = fields_from_command(desk.policy, text, reporter_id=user)
    key = f"command:{command.get('trigger_id') or ''}" if command.get("trigger_id") else None
    result = desk.intake(fields, request_key=key)
    if isinstance(result, HeldForDuplicates):
        return duplicates_message(result)
    return recorded_message(result)


def _show(desk: Desk, text: str, user: str) -> dict[str, Any]:
    number = parse_case_ref(text)
    summary = desk.summary(number)
    if not desk.policy.is_staff(user) and user != summary.requester_id:
        raise UserFacingError(f"You can see only your own cases; {summary.ref} is not yours.")
    message = desk.read(
        number,
        lambda case: queue_card(
            RenderContext(case=case, policy=desk.policy, params={}, now=desk.clock.now())
        ),
    )
    return {"text": message.text, "blocks": message.blocks}


def _open_intake(client: WebClient, desk: Desk, command: dict[str, Any]) -> None:
    user = command["user_id"]
    view = intake_modal(desk.policy, IntakePrefill(reporter_id=user, requester_id=user))
    try:
        client.views_open(trigger_id=command["trigger_id"], view=view)
    except SlackApiError as exc:
        log.warning("views.open failed: %s", exc.response.get("error"))
        raise UserFacingError(
            "The form could not open in time (Slack allows 3 seconds). Run `/case` again, or "
            "use `/case new <summary>`."
        ) from None
