"""WORK-6 in Slack: `/case link` and `/case unlink`, tying reports of one outage to the case
that is being worked."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.desk import Desk, parse_case_ref
from bot.errors import UserFacingError
from bot.text import plain
from handlers.subcommands import Subcommand, case_and_rest

LINK_USAGE = "Write it as `/case link CASE-1043 CASE-1042` (link 1043 to the incident 1042)."


def _link(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    words = text.split()
    here = desk.contact.case_in_channel(str(command.get("channel_id", "")))
    if len(words) == 1 and here is not None:
        words.append(str(here))  # in the incident's own channel: link that case here
    if len(words) != 2:
        raise UserFacingError(f"Name two cases. {LINK_USAGE}")
    child, parent = (parse_case_ref(w) for w in words)
    was_major = desk.summary(parent).is_major
    summary = desk.follow_up.link_cases(child, parent, actor=str(command["user_id"]))
    major = " It is now a major incident." if summary.is_major and not was_major else ""
    return {
        "text": f"Linked CASE-{child} to {summary.ref}: its requester gets {summary.ref}'s "
        f"updates and it closes with it.{major}"
    }


def _unlink(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, reason = case_and_rest(desk, text, command, "unlink")
    summary = desk.follow_up.unlink_case(
        number, actor=str(command["user_id"]), reason=plain(reason)
    )
    return {"text": f"{summary.ref} is a case of its own again; its requester is told."}


SUBCOMMANDS = [
    Subcommand(
        name="link",
        usage="CASE-1043 CASE-1042",
        summary="link a case to a major incident: its requester gets the incident's updates "
        "and it closes with it",
        run=_link,
    ),
    Subcommand(
        name="unlink",
        usage="CASE-1043 <reason>",
        summary="undo a link made in error; the case goes on by itself",
        run=_unlink,
    ),
]
