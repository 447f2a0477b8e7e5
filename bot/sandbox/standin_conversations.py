"""conversations.* and bookmarks.add: channels, membership and their refusals."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.sandbox.standin_checks import channel_name_error
from bot.sandbox.standin_shapes import channel_json, message_json
from bot.sandbox.standin_state import ApiError, Bookmark, Channel
from bot.sandbox.standin_workspace import Args, Workspace

TOPIC_MAX = 250
_TYPES = {"public_channel", "private_channel", "mpim", "im"}
T = TypeVar("T")


def page(
    items: Sequence[T], args: Args, *, limit_error: str = "invalid_limit"
) -> tuple[list[T], str]:
    """Slack's cursor pagination: a slice of `items` and the next cursor ("" at the end)."""
    limit = args.number("limit", default=100, error=limit_error)
    if not 1 <= limit <= 1000:
        raise ApiError(limit_error)
    start = 0
    if args.has("cursor"):
        try:
            start = int(base64.b64decode(args.text("cursor")).decode().removeprefix("next:"))
        except ValueError as exc:
            raise ApiError("invalid_cursor") from exc
    end = start + limit
    more = end < len(items)
    cursor = base64.b64encode(f"next:{end}".encode()).decode() if more else ""
    return list(items[start:end]), cursor


def _member_channel(ws: Workspace, args: Args, *, allow_archived: bool = False) -> Channel:
    """A non-IM channel the bot is in, as setTopic, rename and friends require."""
    channel = ws.channel_for(args.text("channel"))
    if channel.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    if channel.is_archived and not allow_archived:
        raise ApiError("is_archived")
    if not ws.is_member(channel, ws.bot_user_id):
        raise ApiError("not_in_channel")
    return channel


def _check_name(ws: Workspace, name: str, *, keep: str | None = None) -> None:
    problem = channel_name_error(name)
    if problem is not None:
        raise ApiError(problem)
    taken = ws.by_name(name)
    if taken is not None and taken.id != keep:
        raise ApiError("name_taken")


def create(ws: Workspace, args: Args) -> dict[str, Any]:
    name = args.text("name")
    _check_name(ws, name)
    channel = Channel(
        id=ws.new_id("C"),
        name=name,
        is_private=args.flag("is_private"),
        members=[ws.bot_user_id],
        created_by=ws.bot_user_id,
        created=int(ws.clock()),
    )
    ws.channels[channel.id] = channel
    ws.messages[channel.id] = []
    return {"channel": channel_json(ws, channel)}


def invite(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = ws.channel_for(args.text("channel"))
    if channel.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise ApiError("is_archived")
    if not ws.is_member(channel, ws.bot_user_id):
        raise ApiError("not_in_channel")
    users = [u.strip() for u in args.text("users").split(",") if u.strip()]
    if not users:
        raise ApiError("no_user")
    for user in users:
        if user == ws.bot_user_id:
            raise ApiError("cant_invite_self")
        if user not in ws.users or ws.users[user].deleted:
            raise ApiError("user_not_found")
    new = [user for user in dict.fromkeys(users) if user not in channel.members]
    if not new:
        raise ApiError("already_in_channel")
    channel.members.extend(new)
    return {"channel": channel_json(ws, channel)}


def info(ws: Workspace, args: Args) -> dict[str, Any]:
    return {"channel": channel_json(ws, ws.channel_for(args.text("channel")))}


def list_channels(ws: Workspace, args: Args) -> dict[str, Any]:
    types = {t.strip() for t in args.text("types", "public_channel").split(",") if t.strip()}
    if not types or not types <= _TYPES:
        raise ApiError("invalid_types")
    wanted = [
        channel
        for channel in ws.channels.values()
        if ws.visible(channel)
        and _kind(channel) in types
        and not (channel.is_archived and args.flag("exclude_archived"))
    ]
    items, cursor = page(wanted, args)
    return {
        "channels": [channel_json(ws, c) for c in items],
        "response_metadata": {"next_cursor": cursor},
    }


def _kind(channel: Channel) -> str:
    if channel.is_im:
        return "im"
    return "private_channel" if channel.is_private else "public_channel"


def members(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = ws.channel_for(args.text("channel"))
    items, cursor = page(channel.members, args)
    return {"members": items, "response_metadata": {"next_cursor": cursor}}


def join(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = ws.channel_for(args.text("channel"))
    if channel.is_im or channel.is_private:
        raise ApiError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise ApiError("is_archived")
    body: dict[str, Any] = {}
    if ws.is_member(channel, ws.bot_user_id):
        body = {
            "warning": "already_in_channel",
            "response_metadata": {"warnings": ["already_in_channel"]},
        }
    else:
        channel.members.append(ws.bot_user_id)
    return {"channel": channel_json(ws, channel), **body}


def set_topic(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = _member_channel(ws, args)
    topic = args.text("topic")
    if len(topic) > TOPIC_MAX:
        raise ApiError("too_long")
    channel.topic = topic
    return {"channel": channel_json(ws, channel)}


def set_purpose(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = _member_channel(ws, args)
    purpose = args.text("purpose")
    if len(purpose) > TOPIC_MAX:
        raise ApiError("too_long")
    channel.purpose = purpose
    return {"channel": channel_json(ws, channel)}


def archive(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = ws.channel_for(args.text("channel"))
    if channel.is_archived:
        raise ApiError("already_archived")
    channel = _member_channel(ws, args)
    channel.is_archived = True
    return {}


def rename(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = _member_channel(ws, args)
    name = args.text("name")
    _check_name(ws, name, keep=channel.id)
    channel.name = name
    return {"channel": channel_json(ws, channel)}


def kick(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = _member_channel(ws, args, allow_archived=True)
    user = args.text("user")
    if user == ws.bot_user_id:
        raise ApiError("cant_kick_self")
    if user not in ws.users:
        raise ApiError("user_not_found")
    if user not in channel.members:
        raise ApiError("not_in_channel")
    channel.members.remove(user)
    return {}


def bookmarks_add(ws: Workspace, args: Args) -> dict[str, Any]:
    channel = ws.channel_for(args.text("channel_id"))
    if args.text("type") != "link":
        raise ApiError("invalid_bookmark_type")
    link = args.text("link")
    if not link.startswith(("http://", "https://")):
        raise ApiError("invalid_link")
    bookmark = Bookmark(
        id=ws.new_id("Bk"),
        channel_id=channel.id,
        title=args.text("title"),
        type="link",
        link=link,
        emoji=args.text("emoji"),
    )
    ws.bookmarks.setdefault(channel.id, []).append(bookmark)
    return {
        "bookmark": {
            "id": bookmark.id,
            "channel_id": channel.id,
            "title": bookmark.title,
            "link": link,
            "emoji": bookmark.emoji,
            "type": "link",
            "date_created": int(ws.clock()),
            "date_updated": 0,
        }
    }


def _readable(ws: Workspace, args: Args) -> Channel:
    """A channel whose messages the bot may read: one it is in, or its own DM."""
    channel = ws.channel_for(args.text("channel"))
    if not ws.is_member(channel, ws.bot_user_id):
        raise ApiError("not_in_channel")
    return channel


def history(ws: Workspace, args: Args) -> dict[str, Any]:
    """Top-level messages, newest first, between `oldest` and `latest` (`inclusive` keeps the
    bounds themselves), as Slack returns them."""
    channel = _readable(ws, args)
    latest = float(args.text("latest")) if args.has("latest") else float("inf")
    oldest = float(args.text("oldest")) if args.has("oldest") else 0.0
    inclusive = args.has("inclusive") and args.text("inclusive").lower() in ("true", "1")

    def within(ts: float) -> bool:
        if inclusive:
            return oldest <= ts <= latest
        return oldest < ts < latest

    found = [
        m
        for m in reversed(ws.messages.get(channel.id, []))
        if (not m.thread_ts or m.thread_ts == m.ts) and within(float(m.ts))
    ]
    shown, cursor = page(found, args)
    return {
        "messages": [message_json(ws, m) for m in shown],
        "has_more": bool(cursor),
        "response_metadata": {"next_cursor": cursor},
    }


def replies(ws: Workspace, args: Args) -> dict[str, Any]:
    """A thread, parent first; a reply's own ts gives that reply (as Slack does)."""
    channel = _readable(ws, args)
    ts = args.text("ts")
    message = ws.find_message(channel.id, ts)
    if message is None:
        raise ApiError("thread_not_found")
    if message.thread_ts and message.thread_ts != message.ts:
        thread = [message]
    else:
        thread = [m for m in ws.messages.get(channel.id, []) if m.ts == ts or m.thread_ts == ts]
    shown, cursor = page(thread, args)
    return {
        "messages": [message_json(ws, m) for m in shown],
        "has_more": bool(cursor),
        "response_metadata": {"next_cursor": cursor},
    }


METHODS: dict[str, Callable[[Workspace, Args], dict[str, Any]]] = {
    "conversations.history": history,
    "conversations.replies": replies,
    "conversations.create": create,
    "conversations.invite": invite,
    "conversations.info": info,
    "conversations.list": list_channels,
    "conversations.members": members,
    "conversations.join": join,
    "conversations.setTopic": set_topic,
    "conversations.setPurpose": set_purpose,
    "conversations.archive": archive,
    "conversations.rename": rename,
    "conversations.kick": kick,
    "bookmarks.add": bookmarks_add,
}
