"""WORK-1's listeners: `/case estimate`, the one-tap presets, and the "Other…" modal."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.desk import Desk
from bot.errors import UserFacingError
from bot.estimates import PRESETS
from bot.render.estimate_notes import (
    ACTION_ESTIMATE_OTHER,
    ACTION_ESTIMATE_PRESET,
)
from bot.views import estimate_modal
from handlers.modal_buttons import open_about, pair
from handlers.replies import actor_of, tell, tell_error
from handlers.subcommands import Subcommand, case_and_rest

log = logging.getLogger(__name__)


def _estimate(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, estimate = case_and_rest(desk, text, command, "estimate")
    summary = desk.work.give_estimate(number, actor=command["user_id"], text=estimate)
    return {"text": _promised(desk, summary.number)}


def _promised(desk: Desk, number: int) -> str:
    promised, note = desk.forms.promise(number)
    ref = f"CASE-{number}"
    return f"Promised on {ref}: {promised}. The requester has been told.{note}"


SUBCOMMANDS = [
    Subcommand(
        name="estimate",
        usage="CASE-1042 [contact|resolution] <15m|30m|1h|4h|morning|14:30|2026-11-25 09:00>",
        summary="promise the requester the next contact or the resolution; you are reminded "
        "when it comes due without contact",
        run=_estimate,
    ),
]


def register(app: App, desk: Desk) -> None:
    @app.action(re.compile(f"^{ACTION_ESTIMATE_PRESET}_({'|'.join(PRESETS)})$"))
    def preset(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        chosen = str(action.get("action_id", "")).removeprefix(f"{ACTION_ESTIMATE_PRESET}_")
        try:
            number = pair(body)[0]
            desk.work.give_estimate(number, actor=actor_of(body), text=f"contact {chosen}")
        except UserFacingError as exc:
            tell_error(body, client, respond, str(exc))
            return
        tell(body, client, respond, {"text": _promised(desk, number)}, replace=True)

    @app.action(ACTION_ESTIMATE_OTHER)
    def other(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        open_about(desk, body, client, respond, lambda number, _row: desk.forms.estimate(number))

    @app.view(estimate_modal.CALLBACK)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            number, text, field = estimate_modal.parse_estimate(view)
        except estimate_modal.FieldMissing as exc:
            ack(response_action="errors", errors={exc.block_id: str(exc)})
            return
        except ValueError as exc:  # the form lost its case
            ack(response_action="errors", errors={"when": str(exc)[:2000]})
            return
        try:
            desk.work.give_estimate(number, actor=body["user"]["id"], text=text)
        except ValueError as exc:
            ack(response_action="errors", errors={field: str(exc)[:2000]})
            return
        ack()


def took_message(desk: Desk, number: int, *, estimated: bool) -> dict[str, Any]:
    """WORK-1: the taker is asked at once for the requester's estimate, unless given."""
    lead = f"You took CASE-{number} and are now its coordinator. The requester has been told."
    if estimated:
        promised, note = desk.forms.promise(number)
        return {"text": f"{lead} Promised: {promised}.{note}"}
    return {"text": lead, "blocks": desk.forms.estimate_prompt(number, lead)}
