"""WORK-4 and BCAST-4 in Slack: `/case note`, `/case tell`, `/case history`, the "Add to case
timeline" message shortcut, the timeline reaction, the brief for people who join a case channel,
and the requester's replies in their DM with the bot."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.case_notes import Source
from bot.desk import Desk, parse_case_ref
from bot.errors import UserFacingError
from bot.render.history import ACTION_NEWER, ACTION_OLDER
from bot.text import escape, plain
from bot.views import timeline_modal
from handlers.replies import actor_of, tell, tell_error
from handlers.subcommands import Subcommand, case_and_rest

log = logging.getLogger(__name__)
SHORTCUT = "add_to_timeline"
CASE_IN_TEXT = re.compile(r"\bCASE-(\d+)\b", re.IGNORECASE)


def _note(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, note = case_and_rest(desk, text, command, "note")
    summary = desk.contact.add_note(number, actor=str(command["user_id"]), text=plain(note))
    return {"text": f"Noted on {summary.ref}'s timeline (internal: the requester never sees it)."}


def _tell(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, message = case_and_rest(desk, text, command, "tell")
    summary = desk.contact.tell(number, actor=str(command["user_id"]), text=plain(message))
    return {
        "text": f"Sent to <@{summary.requester_id}> from the desk, with {summary.ref}; it is on "
        "the timeline, and their reply will come back to the case."
    }


def _history(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    number, rest = case_and_rest(desk, text, command, "history")
    page = rest.strip() or "1"
    if not page.isdigit() or int(page) < 1:
        raise UserFacingError("Give the page as a number: `/case history CASE-1042 2`.")
    return desk.contact.history(number, viewer=str(command["user_id"]), page=int(page))


SUBCOMMANDS = [
    Subcommand(
        name="note",
        usage="[CASE-1042] <what you tried and what happened>",
        summary="an internal note on the timeline (never sent to the requester)",
        run=_note,
    ),
    Subcommand(
        name="tell",
        usage="[CASE-1042] <message>",
        summary="write to the requester by DM from the desk, with the case number",
        run=_tell,
    ),
    Subcommand(
        name="history",
        usage="[CASE-1042] [page]",
        summary="the timeline in pages, newest first",
        run=_history,
    ),
]


def register(app: App, desk: Desk) -> None:
    @app.shortcut(SHORTCUT)
    def add_to_timeline(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        channel = str((body.get("channel") or {}).get("id", ""))
        message = body.get("message") or {}
        number = desk.contact.case_in_channel(channel)
        source = Source(
            channel=channel,
            ts=str(message.get("ts", "")),
            author=str(message.get("user", "")),
            permalink=_permalink(client, channel, str(message.get("ts", ""))),
        )
        text = str(message.get("text") or "")
        if number is None:
            try:
                view = timeline_modal.pick_case_modal(source, text)
                client.views_open(trigger_id=body["trigger_id"], view=view)
            except SlackApiError as exc:
                log.warning("views.open failed: %s", exc.response.get("error"))
                tell_error(body, client, respond, "The form could not open in time; try again.")
            return
        _record(body, client, respond, number, text, source)

    @app.view(timeline_modal.CALLBACK)
    def picked(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        try:
            ref, text, source = timeline_modal.parse_pick(view)
            summary = desk.contact.add_note(
                parse_case_ref(ref), actor=body["user"]["id"], text=text, source=source
            )
        except ValueError as exc:  # UserFacingError is a ValueError
            ack(response_action="errors", errors={"case": str(exc)[:2000]})
            return
        ack(response_action="clear")
        desk.contact.message_person(
            body["user"]["id"], f"Added the message to {summary.ref}'s timeline."
        )

    @app.event("reaction_added")
    def pinned(event: dict[str, Any], client: WebClient) -> None:
        item = event.get("item") or {}
        if event.get("reaction") != desk.policy.coordination.timeline_reaction:
            return
        channel, ts, actor = str(item.get("channel", "")), str(item.get("ts", "")), event["user"]
        number = desk.contact.case_in_channel(channel)
        if number is None or item.get("type") != "message":
            return
        message = _fetch(client, channel, ts)
        if message is None:
            _ephemeral(client, channel, actor, "I could not read that message to record it.")
            return
        source = Source(
            channel=channel,
            ts=ts,
            author=str(message.get("user", "")),
            permalink=_permalink(client, channel, ts),
        )
        try:
            desk.contact.add_note(
                number, actor=actor, text=str(message.get("text") or ""), source=source
            )
        except UserFacingError as exc:
            _ephemeral(client, channel, actor, str(exc))
            return
        _ephemeral(client, channel, actor, f"Recorded on the timeline of CASE-{number}.")

    @app.event("member_joined_channel")
    def joined(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        user, channel = str(event.get("user", "")), str(event.get("channel", ""))
        if user == context.bot_user_id:
            return
        number = desk.contact.case_in_channel(channel)
        if number is None:
            return
        message = desk.forms.join_brief(number, viewer=user)
        _post_ephemeral(client, channel, user, message)

    @app.event("message")
    def direct_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("subtype") not in (None, "file_share"):  # edits, joins, deletions ...
            return
        user = str(event.get("user", ""))
        if not user or user == context.bot_user_id:
            return
        _relay_reply(desk, event, user)

    def _record(
        body: dict[str, Any],
        client: WebClient,
        respond: Any,
        number: int,
        text: str,
        source: Source,
    ) -> None:
        try:
            desk.contact.add_note(number, actor=actor_of(body), text=plain(text), source=source)
        except UserFacingError as exc:
            tell_error(body, client, respond, str(exc))
            return
        tell(body, client, respond, {"text": f"Added to the timeline of CASE-{number}."})

    @app.action(re.compile(f"^({ACTION_OLDER}|{ACTION_NEWER})$"))
    def page(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        value = str(((body.get("actions") or [{}])[0]).get("value") or "")
        number, _, wanted = value.partition(":")
        try:
            if not (number.isdigit() and wanted.isdigit()):
                raise UserFacingError("That button is damaged; run `/case history` again.")
            message = desk.contact.history(int(number), viewer=actor_of(body), page=int(wanted))
        except UserFacingError as exc:
            tell_error(body, client, respond, str(exc))
            return
        tell(body, client, respond, message, replace=True)


def _relay_reply(desk: Desk, event: dict[str, Any], user: str) -> None:
    """BCAST-4: which case a requester's DM is about, then onto its timeline. With one open
    case, words the desk is not waiting for are asked about first (`bot/dm_routing.py`)."""
    files = [str(f.get("name") or f.get("title") or "a file") for f in event.get("files") or []]
    text = " ".join([str(event.get("text") or ""), *(f"(shared {name})" for name in files)]).strip()
    if not text:
        return
    channel, ts = str(event.get("channel", "")), str(event.get("ts", ""))
    number = None
    if event.get("thread_ts"):
        number = desk.contact.case_of_message(channel, str(event["thread_ts"]))
    mine = desk.contact.open_cases_of(user)
    if number is None:
        named = {int(m) for m in CASE_IN_TEXT.findall(text)}
        named_mine = [c.number for c in mine if c.number in named]
        if len(named_mine) == 1:
            number = named_mine[0]
        elif len(mine) == 1 and not named:
            only = mine[0].number
            said = str(event.get("text") or "").strip()
            if said and not desk.dm_questions.awaits_answer(only):  # may be a new problem: ask
                desk.dm_questions.ask_about_dm(only, user=user, text=text, channel=channel, ts=ts)
                return
            number = only
    if number is None or number not in {c.number for c in mine}:
        if not mine:
            desk.contact.message_person(
                user, "You have no open case with the desk. Type `/case` to open one."
            )
            return
        listed = "\n".join(f"• *{c.ref}*: {escape(c.summary)}" for c in mine)
        desk.contact.message_person(
            user,
            "Which case is this about? Reply in the thread of that case's message, or start "
            f"your message with its number. Your open cases:\n{listed}\nNothing was recorded.",
        )
        return
    try:
        desk.contact.requester_reply(
            number, actor=user, text=text, source=Source(channel=channel, ts=ts, author=user)
        )
    except UserFacingError as exc:
        desk.contact.message_person(user, str(exc))


def _fetch(client: WebClient, channel: str, ts: str) -> dict[str, Any] | None:
    """The reacted-to message: a top-level one from the history, a thread reply by its ts."""
    try:
        found = client.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)
        for message in found.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
        thread = client.conversations_replies(channel=channel, ts=ts, limit=1)
        for message in thread.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
    except SlackApiError as exc:
        log.warning("could not read %s/%s: %s", channel, ts, exc.response.get("error"))
    return None


def _permalink(client: WebClient, channel: str, ts: str) -> str:
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink", ""))
    except SlackApiError:
        return ""


def _ephemeral(client: WebClient, channel: str, user: str, text: str) -> None:
    _post_ephemeral(client, channel, user, {"text": text})


def _post_ephemeral(client: WebClient, channel: str, user: str, message: dict[str, Any]) -> None:
    try:
        client.chat_postEphemeral(channel=channel, user=user, **message)
    except SlackApiError as exc:
        log.warning("could not answer %s in %s: %s", user, channel, exc.response.get("error"))
