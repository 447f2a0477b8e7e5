"""response_url posts: what Bolt's respond() does to a user's screen, with Slack's use limits.

Each URL answers USES_MAX posts within URL_TTL seconds, then 404 `used_url` / `expired_url`.
With no original to replace, replace_original posts a fresh response; delete_original does
nothing (both succeed, as Slack tolerates them).
"""

from __future__ import annotations

import json
from typing import Any

from bot.sandbox.standin_checks import message_blocks
from bot.sandbox.standin_state import ApiError, ResponseUrl
from bot.sandbox.standin_workspace import Workspace

USES_MAX = 5
URL_TTL = 30 * 60.0


def respond(ws: Workspace, hook_id: str, body: bytes) -> tuple[int, str]:
    """Apply one response_url post; answers (HTTP status, body text) like Slack's hooks."""
    hook = ws.response_urls.get(hook_id)
    if hook is None:
        return 404, "no_service"
    if ws.clock() - hook.issued_at > URL_TTL:
        return 404, "expired_url"
    if hook.uses >= USES_MAX:
        return 404, "used_url"
    try:
        payload = json.loads(body.decode("utf-8") or "null")
    except ValueError:
        return 400, "invalid_payload"
    if not isinstance(payload, dict):
        return 400, "invalid_payload"
    hook.uses += 1
    if payload.get("delete_original") in (True, "true"):
        _delete_original(ws, hook)
        return 200, "ok"
    try:
        blocks = message_blocks(payload.get("blocks"))
    except ApiError as error:
        return 400, error.code
    text = str(payload.get("text") or "")
    if not text and not blocks:
        return 400, "no_text"
    if payload.get("replace_original") in (True, "true") and _replace_original(
        ws, hook, text=text, blocks=blocks
    ):
        return 200, "ok"
    return _post(ws, hook, payload, text=text, blocks=blocks)


def _post(
    ws: Workspace, hook: ResponseUrl, payload: dict[str, Any], *, text: str, blocks: list[Any]
) -> tuple[int, str]:
    channel = ws.channels.get(hook.channel)
    if channel is None:
        return 404, "channel_not_found"
    thread_ts = payload.get("thread_ts")
    thread = str(thread_ts) if thread_ts else None
    if payload.get("response_type") == "in_channel":
        ws.post(channel, user=ws.bot_user_id, text=text, blocks=blocks, thread_ts=thread)
    else:
        posted = ws.add_ephemeral(
            channel, user=hook.user, text=text, blocks=blocks, thread_ts=thread
        )
        posted.posted_through = hook.id
    return 200, "ok"


def _replace_original(ws: Workspace, hook: ResponseUrl, *, text: str, blocks: list[Any]) -> bool:
    if hook.ephemeral_ts is not None:
        ephemeral = ws.find_ephemeral(hook.user, hook.ephemeral_ts)
        if ephemeral is not None:
            ephemeral.text, ephemeral.blocks = text, blocks
            return True
    if hook.message_ts is not None:
        message = ws.find_message(hook.channel, hook.message_ts)
        if message is not None:
            message.text, message.blocks = text, blocks
            return True
    return False


def _delete_original(ws: Workspace, hook: ResponseUrl) -> None:
    if hook.ephemeral_ts is not None:
        ephemeral = ws.find_ephemeral(hook.user, hook.ephemeral_ts)
        if ephemeral is not None:
            ws.ephemerals[hook.user].remove(ephemeral)
    if hook.message_ts is not None:
        message = ws.find_message(hook.channel, hook.message_ts)
        if message is not None:
            ws.messages[hook.channel].remove(message)
