"""ROUTE-4 and ROUTE-7 in Slack: `/case escalate`, `/case transfer`, `/case return`,
`/case reassignments`, the Escalate / Transfer / Return to owner buttons and their forms."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.desk import Desk
from bot.errors import UserFacingError
from bot.reassign import ESCALATE, TRANSFER
from bot.reassign_report import ReassignmentFigures
from bot.render.cards import ACTION_ESCALATE, ACTION_RETURN, ACTION_TRANSFER
from bot.text import plain
from bot.views import reassign_modal
from handlers.modal_buttons import done, open_about
from handlers.replies import actor_of
from handlers.subcommands import Subcommand, case_and_rest, period_days, staff_only


def _move(how: str) -> Any:
    verb = "escalate" if how == ESCALATE else "transfer"

    def run(desk: Desk, text: str, command: dict[str, Any], _client: WebClient) -> dict[str, Any]:
        number, rest = case_and_rest(desk, text, command, verb)
        group, _space, reason = rest.partition(" ")
        if not group:
            raise UserFacingError(
                f"Name the group and the reason: `/case {verb} CASE-{number} <group> <why>`. "
                f"Groups: {', '.join(sorted(desk.policy.groups))}."
            )
        summary = desk.work.reassign(
            number,
            how=how,
            to_group=group.lower(),
            reason=plain(reason),
            actor=str(command["user_id"]),
        )
        return {"text": _moved(desk, summary.ref, how, group.lower())}

    return run


def _moved(desk: Desk, ref: str, how: str, group: str) -> str:
    verb = "Escalated" if how == ESCALATE else "Transferred"
    name = desk.policy.groups[group].name
    return (
        f"{verb} {ref} to {name}. It waits in their queue; you stay coordinator until one of "
        "them takes it. The requester has been told it moved."
    )


def _return(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, note = case_and_rest(desk, text, command, "return")
    summary = desk.work.return_to_owner(number, note=plain(note), actor=str(command["user_id"]))
    return {
        "text": f"Returned {summary.ref} to its owner, {summary.group_name} (coordinator "
        f"<@{summary.coordinator_id}>), with the standard note."
    }


def _figures(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    staff_only(desk, command, "read the reassignment figures")
    days = period_days(text, "reassignments")
    found = desk.work.reassignment_figures(days=days, actor=str(command["user_id"]))
    return {"text": figures_text(desk, found, days)}


def figures_text(desk: Desk, found: ReassignmentFigures, days: int) -> str:
    lines = [
        f"*Reassignments, last {days} days*: {found.reassignments} over {found.cases} cases "
        f"opened ({found.per_case:.2f} per case)",
        "_Escalations (to a higher tier) and transfers (another focus area) are counted apart._",
    ]
    if not found.groups:
        lines.append("No case was escalated, transferred or returned in this period.")
    for moves in found.groups:
        group = desk.policy.groups.get(moves.group)
        lines.append(
            f"• *{group.name if group else moves.group}*: escalations in {moves.escalated_in}, "
            f"out {moves.escalated_out} · transfers in {moves.transferred_in}, "
            f"out {moves.transferred_out} · returned to owner {moves.returned_out}"
        )
    return "\n".join(lines)


SUBCOMMANDS = [
    Subcommand(
        name="escalate",
        usage="[CASE-1042] <group> <reason>",
        summary="to a higher tier, along the catalog's routes (others need an override)",
        run=_move(ESCALATE),
    ),
    Subcommand(
        name="transfer",
        usage="[CASE-1042] <group> <reason>",
        summary="to another focus area at the same tier",
        run=_move(TRANSFER),
    ),
    Subcommand(
        name="return",
        usage="[CASE-1042] [note]",
        summary="give an escalated or transferred case back to its owner, with the standard note",
        run=_return,
    ),
    Subcommand(
        name="reassignments",
        usage="[days]",
        summary="escalations and transfers per group, and reassignments per case",
        run=_figures,
    ),
]


def register(app: App, desk: Desk) -> None:
    def form(how: str) -> Any:
        def opened(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
            ack()
            actor = actor_of(body)

            def build(number: int, _row: int) -> View:
                return desk.forms.reassign(number, actor=actor, how=how)

            open_about(desk, body, client, respond, build)

        return opened

    app.action(ACTION_ESCALATE)(form(ESCALATE))
    app.action(ACTION_TRANSFER)(form(TRANSFER))

    @app.action(ACTION_RETURN)
    def return_form(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        actor = actor_of(body)

        def build(number: int, _row: int) -> View:
            return desk.forms.return_to_owner(number, actor=actor)

        open_about(desk, body, client, respond, build)

    @app.view(reassign_modal.CALLBACK)
    def reassigned(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            number, how, group, reason = reassign_modal.parse_reassign(view)
        except ValueError as exc:
            ack(response_action="errors", errors={"group": str(exc)})
            return
        if not group:
            ack(response_action="errors", errors={"group": "Choose the group."})
            return
        if not reason.strip():
            ack(response_action="errors", errors={"reason": "Give the reason: it is required."})
            return
        try:
            summary = desk.work.reassign(
                number, how=how, to_group=group, reason=plain(reason), actor=body["user"]["id"]
            )
        except ValueError as exc:  # UserFacingError is a ValueError
            ack(response_action="errors", errors={"group": str(exc)[:2000]})
            return
        ack(response_action="update", view=done("Done", _moved(desk, summary.ref, how, group)))

    @app.view(reassign_modal.RETURN_CALLBACK)
    def returned(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            number, note = reassign_modal.parse_return(view)
            summary = desk.work.return_to_owner(number, note=plain(note), actor=body["user"]["id"])
        except ValueError as exc:
            ack(response_action="errors", errors={"note": str(exc)[:2000]})
            return
        ack(
            response_action="update",
            view=done("Returned", f"*{summary.ref}* is back with its owner, with the note."),
        )
