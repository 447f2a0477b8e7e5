"""chat.*, pins.add and reactions.add: messages as Slack stores and refuses them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.sandbox.standin_checks import message_blocks
from bot.sandbox.standin_shapes import message_json
from bot.sandbox.standin_state import ApiError, Channel, Message
from bot.sandbox.standin_workspace import Args, Workspace

TEXT_MAX = 40_000
_EMOJI = re.compile(r"^[a-z0-9_+'-]+$")


def _content(args: Args) -> tuple[str, list[dict[str, Any]]]:
    """The text and blocks of a new message, refused as Slack would."""
    text = args.text("text")
    blocks = message_blocks(args.raw("blocks"))
    if not text and not blocks and not args.has("attachments"):
        raise ApiError("no_text")
    if len(text) > TEXT_MAX:
        raise ApiError("msg_too_long")
    return text, blocks


def _own_message(ws: Workspace, args: Args, *, refusal: str) -> tuple[Channel, Message]:
    channel = ws.channel_for(args.text("channel"))
    message = ws.find_message(channel.id, args.text("ts"))
    if message is None:
        raise ApiError("message_not_found")
    if message.user != ws.bot_user_id:
        raise ApiError(refusal)
    return channel, message


def post_message(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = ws.target(args.text("channel"))
    if channel.is_archived:
        raise ApiError("is_archived")
    text, blocks = _content(args)
    message = ws.post(
        channel,
        user=ws.bot_user_id,
        text=text,
        blocks=blocks,
        thread_ts=args.optional("thread_ts"),
    )
    return {"channel": channel.id, "ts": message.ts, "message": message_json(ws, message)}


def update(ws: Workspace, args: Args) -> dict[str, Any]:
    channel, message = _own_message(ws, args, refusal="cant_update_message")
    sent_text, sent_blocks = args.raw("text") is not None, args.raw("blocks") is not None
    if not sent_text and not sent_blocks and not args.has("attachments"):
        raise ApiError("no_text")
    text = args.text("text") if sent_text else message.text
    if len(text) > TEXT_MAX:
        raise ApiError("msg_too_long")
    # Slack keeps the previous blocks unless `blocks` is sent; an empty array removes them.
    blocks = message_blocks(args.raw("blocks")) if sent_blocks else message.blocks
    message.text, message.blocks, message.edited = text, blocks, True
    return {
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": message_json(ws, message),
    }


def post_ephemeral(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = ws.target(args.text("channel"))
    if channel.is_archived:
        raise ApiError("is_archived")
    user = args.text("user")
    if user not in ws.users or not ws.is_member(channel, user):
        raise ApiError("user_not_in_channel")
    text, blocks = _content(args)
    ephemeral = ws.add_ephemeral(
        channel, user=user, text=text, blocks=blocks, thread_ts=args.optional("thread_ts")
    )
    return {"message_ts": ephemeral.ts}


def delete(ws: Workspace, args: Args) -> dict[str, Any]:
    channel, message = _own_message(ws, args, refusal="cant_delete_message")
    ws.messages[channel.id].remove(message)
    if message.ts in channel.pins:
        channel.pins.remove(message.ts)
    return {"channel": channel.id, "ts": message.ts}


def get_permalink(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = ws.channel_for(args.text("channel"))
    message = ws.find_message(channel.id, args.text("message_ts"))
    if message is None:
        raise ApiError("message_not_found")
    return {"channel": channel.id, "permalink": message.permalink}


def pins_add(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = ws.channel_for(args.text("channel"))
    if not args.has("timestamp"):
        raise ApiError("no_item_specified")
    if not ws.is_member(channel, ws.bot_user_id):
        raise ApiError("not_in_channel")
    message = ws.find_message(channel.id, args.text("timestamp"))
    if message is None:
        raise ApiError("message_not_found")
    if message.pinned:
        raise ApiError("already_pinned")
    message.pinned = True
    channel.pins.append(message.ts)
    return {}


def reactions_add(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = ws.channel_for(args.text("channel"))
    if channel.is_archived:
        raise ApiError("is_archived")
    name = args.text("name").strip(":")
    if not _EMOJI.match(name):
        raise ApiError("invalid_name")
    message = ws.find_message(channel.id, args.text("timestamp"))
    if message is None:
        raise ApiError("message_not_found")
    who = message.reactions.setdefault(name, [])
    if ws.bot_user_id in who:
        raise ApiError("already_reacted")
    who.append(ws.bot_user_id)
    return {}


METHODS: dict[str, Callable[[Workspace, Args], dict[str, Any]]] = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.postEphemeral": post_ephemeral,
    "chat.delete": delete,
    "chat.getPermalink": get_permalink,
    "pins.add": pins_add,
    "reactions.add": reactions_add,
}
