"""ROUTE-5 and ROUTE-6 in Slack: `/case consult`, the "Consult" button and modal, Keep it /
Transfer it after a consult, and the Yes / No answers of the command-center test."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.consult import CALL_TREE
from bot.desk import Desk
from bot.errors import UserFacingError
from bot.render.cards import ACTION_CONSULT
from bot.render.cc_test_notes import ACTION_PREFIX
from bot.render.consult_notes import ACTION_CONSULT_KEEP, ACTION_CONSULT_TRANSFER
from bot.render.sla_notes import ACTION_SLA_PAGE
from bot.text import plain
from bot.views import consult_modal
from handlers.modal_buttons import done, open_about, pair
from handlers.replies import actor_of, answer, button
from handlers.subcommands import Subcommand, case_and_rest

log = logging.getLogger(__name__)
CALLED = {
    "oncall": "oncall",
    "on-call": "oncall",
    "1": "oncall",
    "supervisor": "supervisor",
    "2": "supervisor",
}
PAGED = {"oncall": "on-call technician", "supervisor": "supervisor"}


def _consult(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, rest = case_and_rest(desk, text, command, "consult")
    words = rest.split()
    if not words:
        raise UserFacingError(
            f"Name the group: `/case consult CASE-{number} <group> [oncall|supervisor] "
            f"[question]`. Groups: {', '.join(sorted(desk.policy.groups))}."
        )
    group, words = words[0].lower(), words[1:]
    via = "oncall"
    if words and words[0].lower() in CALLED:
        via, words = CALLED[words[0].lower()], words[1:]
    elif words and words[0].isdigit():  # a call-tree step that does not exist
        raise UserFacingError(
            f"The call tree has no step {words[0][:6]}. Page step 1, `oncall` (the group's "
            "on-call technician), or step 2, `supervisor`: "
            f"`/case consult CASE-{number} {group} oncall <question>`."
        )
    summary = desk.work.consult(
        number,
        actor=str(command["user_id"]),
        group_key=group,
        via=via,
        question=plain(" ".join(words)),
    )
    name = desk.policy.groups[group].name
    return {
        "text": f"Paged the {PAGED[via]} of {name} about {summary.ref}. They join its channel as "
        "an interested party; you stay coordinator and will be asked later whether to keep it."
    }


SUBCOMMANDS = [
    Subcommand(
        name="consult",
        usage="[CASE-1042] <group> [oncall|supervisor] [question]",
        summary="ask a group for help without handing the case over",
        run=_consult,
    )
]


def register(app: App, desk: Desk) -> None:
    policy = desk.policy

    @app.action(ACTION_CONSULT)
    def consult_button(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        actor = actor_of(body)
        open_about(
            desk,
            body,
            client,
            respond,
            lambda number, _row: desk.forms.consult(number, actor=actor),
        )

    @app.view(consult_modal.CALLBACK)
    def consulted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            number, group, via, question = consult_modal.parse_consult(view)
            if not group:
                raise UserFacingError("Choose the group to consult.")
            summary = desk.work.consult(
                number, actor=body["user"]["id"], group_key=group, via=via, question=question
            )
        except ValueError as exc:  # UserFacingError is a ValueError
            ack(response_action="errors", errors={"group": str(exc)[:2000]})
            return
        ack(
            response_action="update",
            view=done(
                "Consult sent",
                f"*{summary.ref}*: {CALL_TREE[via].split(': ', 1)[1]} of "
                f"{policy.groups[group].name} is paged and joins the case channel.",
            ),
        )

    @app.action(re.compile(f"^({ACTION_CONSULT_KEEP}|{ACTION_CONSULT_TRANSFER})$"))
    def decide(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        keep = (body.get("actions") or [{}])[0].get("action_id") == ACTION_CONSULT_KEEP

        def work() -> dict[str, Any]:
            number, consult_id = pair(body)
            summary = desk.work.decide_after_consult(
                number, consult_id, actor=actor_of(body), decision="keep" if keep else "transfer"
            )
            if keep:
                return {"text": f"Recorded: you keep {summary.ref}."}
            _open_transfer(number, body, client)
            return {
                "text": f"Recorded: {summary.ref} should be transferred. Choose the group in the "
                f"form, or use `/case transfer {summary.ref} <group> <reason>`."
            }

        answer(body, client, respond, work)

    def _open_transfer(number: int, body: dict[str, Any], client: WebClient) -> None:
        """Straight on to the transfer form; if it cannot open, the answer says how instead."""
        try:
            view = desk.forms.transfer_after_consult(number)
            client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc.response.get("error"))

    def center_test(body: dict[str, Any]) -> dict[str, Any]:
        value = str(((body.get("actions") or [{}])[0]).get("value") or "")
        number, round_number, question, answer = ([*value.split(":"), "", "", "", ""])[:4]
        if not (number.isdigit() and round_number.isdigit()):
            raise UserFacingError("That button is damaged; answer on the newest card.")
        summary = desk.work.answer_center_test(
            int(number),
            round_number=int(round_number),
            question=question,
            value=answer,
            actor=actor_of(body),
        )
        return {"text": f"Answer recorded on {summary.ref}."}

    button(app, re.compile(f"^{ACTION_PREFIX}[a-z]+_(yes|no)$"), center_test)

    def page_on_call(body: dict[str, Any]) -> dict[str, Any]:
        """SLA-2's warning button: step 1 of the queue group's call tree."""
        value = str(((body.get("actions") or [{}])[0]).get("value") or "")
        if not value.isdigit():
            raise UserFacingError("That button does not point at a case; refresh and try again.")
        summary = desk.work.page_on_call(int(value), actor=actor_of(body))
        group = policy.groups.get(summary.group_key or "")
        name = group.name if group else "the group"
        on_call = f"<@{group.on_call}>" if group else "its on-call"
        return {
            "text": f"Paged {on_call}, the on-call of {name}, to take {summary.ref}. They join "
            "its channel; you stay coordinator until someone takes it."
        }

    button(app, ACTION_SLA_PAGE, page_on_call)
