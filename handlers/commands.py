"""`/case`: the intake form, `/case new` free-text intake, and the case subcommands."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.command_text import fields_from_command
from bot.desk import Desk, HeldForDuplicates
from bot.errors import NotAllowed, UserFacingError
from bot.render.clocks import clocks_message
from bot.render.help import help_message, unknown_subcommand
from bot.views.intake_modal import IntakePrefill, intake_modal
from bot.views.results import (
    HELP_CASE_CHANNEL,
    HELP_FOOT,
    HELP_HEAD,
    duplicates_message,
    error_message,
    recorded_message,
)
from bot.views.self_service_modal import self_service_modal
from bot.vocabulary import CATEGORIES, REQUEST_TYPES
from handlers import (
    closure,
    consult,
    estimates,
    figures,
    handoff,
    lists,
    major,
    reassign,
    requests,
    subscribers,
    timeline,
    unsupported,
)
from handlers.case_view import case_card
from handlers.estimates import took_message
from handlers.people import check_person
from handlers.subcommands import (
    REQUESTER_HINT,
    REQUESTER_VERBS,
    Subcommand,
    case_and_rest,
    staff_only,
)

log = logging.getLogger(__name__)
REQUESTER_FIX = (
    "name the person who needs help (`for=@name`), or leave out `for=` if it is you. "
    "Nothing was recorded"
)


def subcommands() -> dict[str, Subcommand]:
    """Every `/case` subcommand, in the order `/case help` lists them."""
    found = [
        Subcommand(
            name="new",
            usage="<summary> [service=…] [impact=…] [urgency=…] [type=…] [category=…] [for=@user]",
            summary='record at once; anything not given is "I don\'t know"',
            run=_new_case,
        ),
        Subcommand(name="show", usage="CASE-1042", summary="the case card", run=_show),
        Subcommand(
            name="take",
            usage="CASE-1042 [estimate]",
            summary="take a case from your group's queue and, optionally, give the requester "
            "an estimate at once (as for `/case estimate`)",
            run=_take,
        ),
        Subcommand(
            name="update",
            usage="CASE-1042 <text>",
            summary="post a status update to everyone following the case",
            run=_update,
        ),
        Subcommand(
            name="sla",
            usage="CASE-1042",
            summary="every SLA clock: target, elapsed, left, paused",
            run=_sla,
        ),
        Subcommand(
            name="wait",
            usage="CASE-1042 <what we need>",
            summary="wait on the requester (SLA clocks pause)",
            run=_wait,
        ),
        Subcommand(name="resume", usage="CASE-1042", summary="stop waiting", run=_resume),
        *estimates.SUBCOMMANDS,
        *handoff.SUBCOMMANDS,
        *consult.SUBCOMMANDS,
        *reassign.SUBCOMMANDS,
        *timeline.SUBCOMMANDS,
        *closure.SUBCOMMANDS,
        *major.SUBCOMMANDS,
        *requests.SUBCOMMANDS,
        *unsupported.SUBCOMMANDS,
        *lists.SUBCOMMANDS,
        *figures.SUBCOMMANDS,
        *subscribers.SUBCOMMANDS,
    ]
    return {s.name: s for s in found}


def register(app: App, desk: Desk) -> None:
    verbs = subcommands()

    @app.command("/case")
    def case_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        text = (command.get("text") or "").strip()
        verb, _, rest = text.partition(" ")
        try:
            if not text:
                _open_intake(client, desk, command)
                ack()
            elif verb.lower() == "help":
                staff = desk.policy.is_staff(str(command["user_id"]))
                shown = verbs if staff else requester_verbs(verbs)
                ack(**help_message("/case", help_lines(desk, shown, staff=staff)))
            elif verb.lower() in verbs:
                ack(**verbs[verb.lower()].run(desk, rest.strip(), command, client))
            else:
                staff = desk.policy.is_staff(str(command["user_id"]))
                known = verbs if staff else requester_verbs(verbs)
                ack(**unknown_subcommand("/case", verb, [*known, "help"]))
        except NotAllowed as exc:  # PERM-2: a requester also hears what they can do
            staff = desk.policy.is_staff(str(command["user_id"]))
            ack(**error_message(str(exc) if staff else f"{exc} {REQUESTER_HINT}"))
        except UserFacingError as exc:
            ack(**error_message(str(exc)))


def requester_verbs(verbs: dict[str, Subcommand]) -> dict[str, Subcommand]:
    """What `/case help` lists for someone in no desk role."""
    return {name: v for name, v in verbs.items() if name in REQUESTER_VERBS}


def help_lines(desk: Desk, verbs: dict[str, Subcommand], *, staff: bool) -> list[str]:
    """`/case help`, plain: built from the registry, so it lists exactly what exists."""
    policy = desk.policy
    values = {
        "services": ", ".join(policy.services),
        "impacts": ", ".join(policy.impact_levels),
        "urgencies": ", ".join(policy.urgency_levels),
        "types": ", ".join(REQUEST_TYPES),
        "categories": ", ".join(CATEGORIES),
    }
    return [
        HELP_HEAD,
        "• `/case` — open the intake form" if staff else "• `/case` — tell the desk what is wrong",
        *(v.help_line(staff=staff) for v in verbs.values()),
        *(line.format(**values) for line in HELP_FOOT if staff or line != HELP_CASE_CHANNEL),
    ]


def _new_case(desk: Desk, text: str, command: dict[str, Any], client: WebClient) -> dict[str, Any]:
    fields = fields_from_command(desk.policy, text, reporter_id=command["user_id"])
    if fields.requester_id != fields.reporter_id:  # INTAKE-2: a case is for a person
        check_person(client, fields.requester_id, choose=REQUESTER_FIX)
    key = f"command:{command['trigger_id']}" if command.get("trigger_id") else None
    # INTAKE-4's look-alikes are for the desk: a requester never sees other people's cases.
    staff = desk.policy.is_staff(fields.reporter_id)
    result = desk.intake.record(fields, request_key=key, check_duplicates=staff)
    if isinstance(result, HeldForDuplicates):
        return duplicates_message(result)
    return recorded_message(result)


def _take(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, estimate = case_and_rest(desk, text, command, "take")
    summary = desk.work.take(number, actor=command["user_id"], estimate=estimate)
    return took_message(desk, summary.number, estimated=bool(estimate.strip()))


def _show(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, _rest = case_and_rest(desk, text, command, "show")
    return case_card(desk, number, str(command["user_id"]))


def _update(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    user = staff_only(desk, command, "post status updates")
    number, update = case_and_rest(desk, text, command, "update")
    summary = desk.work.post_update(number, actor=user, text=update)
    return {"text": f"Update posted on {summary.ref}; everyone following it has it."}


def _sla(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    staff_only(desk, command, "read SLA clocks")
    number, _rest = case_and_rest(desk, text, command, "sla")
    summary, views = desk.contact.clocks(number, viewer=str(command["user_id"]))
    return clocks_message(summary, views)


def _wait(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    user = staff_only(desk, command, "put a case on hold")
    number, reason = case_and_rest(desk, text, command, "wait")
    summary = desk.work.wait_on_requester(number, actor=user, reason=reason)
    return {
        "text": f"{summary.ref} now waits on the requester; its SLA clocks are paused and "
        "the requester has been told what we need."
    }


def _resume(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    user = staff_only(desk, command, "take a case off hold")
    number, _rest = case_and_rest(desk, text, command, "resume")
    summary = desk.work.resume(number, actor=user)
    return {"text": f"{summary.ref} is no longer waiting; its SLA clocks run again."}


def _open_intake(client: WebClient, desk: Desk, command: dict[str, Any]) -> None:
    user = command["user_id"]
    view = (
        intake_modal(desk.policy, IntakePrefill(reporter_id=user, requester_id=user))
        if desk.policy.is_staff(user)
        else self_service_modal(desk.policy)  # INTAKE-1: someone in no desk role
    )
    try:
        client.views_open(trigger_id=command["trigger_id"], view=view)
    except SlackApiError as exc:
        log.warning("views.open failed: %s", exc.response.get("error"))
        raise UserFacingError(
            "The form could not open in time (Slack allows 3 seconds). Run `/case` again, or "
            "use `/case new <summary>`."
        ) from None
