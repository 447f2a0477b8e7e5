"""Workspace objects as Slack's JSON, so code built on the stand-in reads real responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.sandbox import standin_files
from bot.sandbox.standin_state import Channel, Message, User, Usergroup, View
from bot.sandbox.standin_workspace import Workspace


def channel_json(ws: Workspace, channel: Channel) -> dict[str, Any]:
    if channel.is_im:
        return {
            "id": channel.id,
            "created": channel.created,
            "is_im": True,
            "is_org_shared": False,
            "user": channel.user,
            "is_user_deleted": False,
            "priority": 0,
        }
    return {
        "id": channel.id,
        "name": channel.name,
        "name_normalized": channel.name,
        "is_channel": True,  # private channels made since 2021 are channels too (not groups)
        "is_group": False,
        "is_im": False,
        "is_mpim": False,
        "is_private": channel.is_private,
        "is_archived": channel.is_archived,
        "is_general": False,
        "is_shared": False,
        "is_ext_shared": False,
        "is_org_shared": False,
        "is_member": ws.bot_user_id in channel.members,
        "created": channel.created,
        "creator": channel.created_by or "",
        "context_team_id": ws.team_id,
        "topic": {"value": channel.topic, "creator": "", "last_set": 0},
        "purpose": {"value": channel.purpose, "creator": "", "last_set": 0},
        "num_members": len(channel.members),
    }


def message_json(ws: Workspace, message: Message) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "message",
        "user": message.user,
        "text": message.text,
        "ts": message.ts,
        "team": ws.team_id,
    }
    if message.user == ws.bot_user_id:
        body.update(bot_id=ws.bot_id, app_id=ws.app_id)
    if message.blocks:
        body["blocks"] = message.blocks
    if message.thread_ts:
        body["thread_ts"] = message.thread_ts
    if message.edited:
        body["edited"] = {"user": message.user, "ts": message.ts}
    if message.files:  # a file share: Slack marks it an upload and carries the files
        body["upload"] = True
        body["files"] = [standin_files.file_json(ws, ws.uploads[f]) for f in message.files]
    return body


def user_json(ws: Workspace, user: User, *, now: float) -> dict[str, Any]:
    display = user.display_name  # Slack leaves it empty until the person sets one
    profile: dict[str, Any] = {
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": display,
        "display_name_normalized": display,
        "team": ws.team_id,
    }
    if user.email is not None:
        profile["email"] = user.email
    if user.is_bot:
        profile["bot_id"] = ws.bot_id if user.id == ws.bot_user_id else ""
    return {
        "id": user.id,
        "team_id": ws.team_id,
        "name": user.name,
        "real_name": user.real_name,
        "deleted": user.deleted,
        "tz": user.tz,
        "tz_label": user.tz,
        "tz_offset": tz_offset(user.tz, now=now),
        "is_bot": user.is_bot,
        "is_app_user": False,
        "is_admin": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "updated": int(now),
        "profile": profile,
    }


def tz_offset(tz: str, *, now: float) -> int:
    """Seconds east of UTC at `now`, as Slack reports it (0 when the zone is unknown here)."""
    try:
        offset = datetime.fromtimestamp(now, ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset is not None else 0


def usergroup_json(ws: Workspace, group: Usergroup, *, with_users: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": group.id,
        "team_id": ws.team_id,
        "is_usergroup": True,
        "name": group.name or group.handle,
        "description": group.description,
        "handle": group.handle,
        "is_external": False,
        "date_create": 0,
        "date_update": 0,
        "date_delete": 0,
        "auto_type": None,
        "created_by": "",
        "updated_by": "",
        "deleted_by": None,
        "prefs": {"channels": [], "groups": []},
        "user_count": len(group.users),
    }
    if with_users:
        body["users"] = list(group.users)
    return body


def view_json(ws: Workspace, view: View) -> dict[str, Any]:
    payload = view.view
    body: dict[str, Any] = {
        "id": view.id,
        "team_id": ws.team_id,
        "type": payload.get("type"),
        "blocks": payload.get("blocks", []),
        "private_metadata": payload.get("private_metadata", ""),
        "callback_id": payload.get("callback_id", ""),
        "state": {"values": {}},
        "hash": view.hash,
        "clear_on_close": bool(payload.get("clear_on_close", False)),
        "notify_on_close": bool(payload.get("notify_on_close", False)),
        "root_view_id": view.root_view_id,
        "previous_view_id": view.previous_view_id,
        "app_id": ws.app_id,
        "external_id": payload.get("external_id", ""),
        "app_installed_team_id": ws.team_id,
        "bot_id": ws.bot_id,
    }
    for key in ("title", "submit", "close"):
        if key in payload:
            body[key] = payload[key]
    return body
