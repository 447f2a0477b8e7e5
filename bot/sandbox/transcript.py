"""Slack messages and views as terminal text, so sandbox users read what a Slack user would see."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.sandbox.standin_state import Ephemeral, Message

RULE = "─" * 40
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>")
_DATE = re.compile(r"<!date\^(\d+)\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<((?:https?|mailto|tel):[^|>]+)(?:\|([^>]*))?>")
_INPUT_KINDS = {
    "plain_text_input": "text",
    "email_text_input": "email",
    "url_text_input": "url",
    "number_input": "number",
    "rich_text_input": "formatted text",
    "users_select": "a person",
    "multi_users_select": "people",
    "conversations_select": "a conversation",
    "multi_conversations_select": "conversations",
    "channels_select": "a channel",
    "multi_channels_select": "channels",
    "external_select": "search",
    "multi_external_select": "search, several",
    "datepicker": "date",
    "timepicker": "time",
    "datetimepicker": "date and time",
    "file_input": "file",
}


def mrkdwn(
    text: str,
    *,
    users: Mapping[str, str],
    channels: Mapping[str, str] | None = None,
    tz: tzinfo = UTC,
) -> str:
    """Slack markup made readable: mentions by name, dates in the reader's zone (as Slack shows
    a date token), links with their address, unescaped."""
    names = channels or {}
    text = _USER.sub(lambda m: "@" + users.get(m.group(1), m.group(2) or m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or names.get(m.group(1), m.group(1))), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = _SUBTEAM.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)
    text = _DATE.sub(lambda m: short_date(datetime.fromtimestamp(int(m.group(1)), tz)), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def short_date(moment: datetime) -> str:
    """ "Sun 6 Dec 05:33": what a date token reads as, in the reader's own zone."""
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


def render_message(
    message: Message | Ephemeral | Mapping[str, Any],
    *,
    users: Mapping[str, str],
    channels: Mapping[str, str] | None = None,
    tz: tzinfo = UTC,
    app_name: str = "Casedesk",
) -> str:
    """A message as a header line ("[HH:MM] Name:") and its text or blocks.

    Ephemerals are always the app speaking (their `user` is the one person who sees them).
    """
    fields = _message_fields(message)
    ts, user = str(fields.get("ts") or "0"), str(fields.get("user") or "")
    when = datetime.fromtimestamp(float(ts), tz).strftime("%H:%M")
    speaker = app_name if isinstance(message, Ephemeral) else users.get(user, user or "unknown")
    header = f"[{when}] {speaker}:"
    if fields.get("pinned"):
        header = "📌 " + header
    if isinstance(message, Ephemeral) or fields.get("ephemeral"):
        header += " (only visible to you)"
    thread_ts = fields.get("thread_ts")
    blocks = fields.get("blocks") or []
    body = (
        render_blocks(blocks, users=users, channels=channels, tz=tz)
        if blocks
        else mrkdwn(str(fields.get("text") or ""), users=users, channels=channels, tz=tz)
    )
    if fields.get("edited"):
        body += " (edited)"
    shared = fields.get("files") or []  # an upload: Slack's file objects, or the stand-in's ids
    for item in shared:
        if isinstance(item, Mapping):
            body += f"\n📎 {item.get('name', '')} — {item.get('title', '')}"
    if shared and not isinstance(shared[0], Mapping):
        body += f"\n📎 {len(shared)} file{'s' if len(shared) != 1 else ''} attached"
    lines = [header, *body.splitlines()]
    if thread_ts and thread_ts != ts:
        lines = ["  ↳ " + lines[0], *("    " + line for line in lines[1:])]
    return "\n".join(lines)


def _message_fields(message: Message | Ephemeral | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(message, Mapping):
        return message
    fields: dict[str, Any] = {
        "ts": message.ts,
        "user": message.user,
        "text": message.text,
        "blocks": message.blocks,
        "thread_ts": message.thread_ts,
    }
    if isinstance(message, Message):
        fields.update(edited=message.edited, pinned=message.pinned, files=message.files)
    return fields


def render_blocks(
    blocks: Iterable[Mapping[str, Any]],
    *,
    users: Mapping[str, str],
    channels: Mapping[str, str] | None = None,
    tz: tzinfo = UTC,
) -> str:
    """Display blocks (section, header, context, divider, actions, image, rich text) as lines."""
    out: list[str] = []
    for block in blocks:
        out.extend(_block_lines(block, users=users, channels=channels, tz=tz))
    return "\n".join(out)


def _block_lines(
    block: Mapping[str, Any],
    *,
    users: Mapping[str, str],
    channels: Mapping[str, str] | None,
    tz: tzinfo = UTC,
) -> list[str]:
    kind = block.get("type")

    def fmt(obj: Any) -> str:
        if isinstance(obj, Mapping) and obj.get("type") == "plain_text":
            return _text_of(obj)  # Slack shows plain text as it is: markup would show raw
        return mrkdwn(_text_of(obj), users=users, channels=channels, tz=tz)

    if kind == "header":
        title = fmt(block.get("text"))
        return [title, "═" * len(title)]
    if kind == "divider":
        return [RULE]
    if kind == "section":
        lines = fmt(block.get("text")).splitlines() if block.get("text") else []
        lines += [_field(fmt(item)) for item in block.get("fields") or []]
        if block.get("accessory"):
            lines.append(_control(block["accessory"], users=users))
        return lines
    if kind == "context":
        return [" · ".join(_context_item(item, fmt) for item in block.get("elements") or [])]
    if kind == "actions":
        return ["  ".join(_control(item, users=users) for item in block.get("elements") or [])]
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    if kind == "markdown":
        return mrkdwn(
            str(block.get("text", "")), users=users, channels=channels, tz=tz
        ).splitlines()
    if kind == "rich_text":
        return _rich_text(block, users=users, channels=channels)
    if kind == "input":
        return [f"{fmt(block.get('label'))}: {_control(block.get('element') or {}, users=users)}"]
    return []


def _text_of(obj: Any) -> str:
    if isinstance(obj, Mapping):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)


def _field(text: str) -> str:
    """Section fields are usually "*Label*\\nvalue"; show them as "Label: value"."""
    label, _, value = text.partition("\n")
    if value and label.startswith("*") and label.endswith("*"):
        return f"{label.strip('*').rstrip(':')}: {value.strip()}"
    return text.replace("\n", " ")


def _context_item(item: Mapping[str, Any], fmt: Any) -> str:
    if item.get("type") == "image":
        return f"[image: {item.get('alt_text', '')}]"
    return str(fmt(item))


def _control(element: Mapping[str, Any], *, users: Mapping[str, str]) -> str:
    """An interactive element as it looks on screen: "[ Take it ]", "[Choose… ▾]"."""
    kind = str(element.get("type", ""))
    if kind == "button":
        return f"[ {_text_of(element.get('text'))} ]"
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if kind == "overflow":
        return "[ ⋯ ]"
    if kind in ("checkboxes", "radio_buttons"):
        mark = "☐" if kind == "checkboxes" else "○"
        return "  ".join(f"{mark} {_text_of(o.get('text'))}" for o in _options(element))
    placeholder = _text_of(element.get("placeholder")) or _initial(element, users=users)
    return f"[{placeholder or 'Choose…'} ▾]"


def _options(element: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += list(group.get("options") or [])
    return options


def _initial(element: Mapping[str, Any], *, users: Mapping[str, str]) -> str:
    """The value an element starts with, as the person sees it ("" when it starts empty)."""
    for key in ("initial_value", "initial_date", "initial_time"):
        if element.get(key):
            return str(element[key])
    if element.get("initial_option"):
        return _text_of(element["initial_option"].get("text"))
    if element.get("initial_options"):
        return ", ".join(_text_of(o.get("text")) for o in element["initial_options"])
    if element.get("initial_user"):
        user = str(element["initial_user"])
        return "@" + users.get(user, user)
    if element.get("initial_users"):
        return ", ".join("@" + users.get(str(u), str(u)) for u in element["initial_users"])
    for key in ("initial_conversation", "initial_channel"):
        if element.get(key):
            return "#" + str(element[key])
    return ""


def _rich_text(
    block: Mapping[str, Any], *, users: Mapping[str, str], channels: Mapping[str, str] | None
) -> list[str]:
    lines: list[str] = []
    for part in block.get("elements") or []:
        kind = part.get("type")
        if kind == "rich_text_list":
            for item in part.get("elements") or []:
                lines.append("• " + _inline(item, users=users, channels=channels))
        elif kind == "rich_text_quote":
            lines += [
                "> " + line for line in _inline(part, users=users, channels=channels).split("\n")
            ]
        else:
            lines += _inline(part, users=users, channels=channels).split("\n")
    return lines


def _inline(
    part: Mapping[str, Any], *, users: Mapping[str, str], channels: Mapping[str, str] | None
) -> str:
    pieces: list[str] = []
    for item in part.get("elements") or []:
        kind = item.get("type")
        if kind == "user":
            pieces.append("@" + users.get(item.get("user_id", ""), item.get("user_id", "")))
        elif kind == "channel":
            channel_id = item.get("channel_id", "")
            pieces.append("#" + (channels or {}).get(channel_id, channel_id))
        elif kind == "link":
            url, label = item.get("url", ""), item.get("text")
            pieces.append(f"{label} ({url})" if label else url)
        elif kind == "emoji":
            pieces.append(f":{item.get('name', '')}:")
        elif kind == "broadcast":
            pieces.append("@" + str(item.get("range", "here")))
        else:
            pieces.append(str(item.get("text", "")))
    return "".join(pieces)


def render_view(
    view: Mapping[str, Any],
    *,
    users: Mapping[str, str],
    values: Mapping[str, object] | None = None,
    errors: Mapping[str, str] | None = None,
    channels: Mapping[str, str] | None = None,
    tz: tzinfo = UTC,
) -> str:
    """A modal or home tab: title, each field with its state and choices, errors, the buttons.

    `values` and `errors` are keyed by block_id (values may also be keyed by action_id).
    """
    title = _text_of(view.get("title")) or ("Home" if view.get("type") == "home" else "Modal")
    lines = [f"━━ {title} ━━"]
    for block in view.get("blocks") or []:
        if block.get("type") == "input":
            lines.append(_input_line(block, users=users, values=values or {}))
        else:
            lines.extend(_block_lines(block, users=users, channels=channels, tz=tz))
        problem = (errors or {}).get(str(block.get("block_id", "")))
        if problem:
            lines.append(f"    ⚠ {problem}")
    if view.get("type") != "home":
        buttons = [f"[ {_text_of(view.get('close')) or 'Cancel'} ]"]
        if view.get("submit"):
            buttons.append(f"[ {_text_of(view.get('submit'))} ]")
        lines.append("  ".join(buttons))
    return "\n".join(lines)


def _input_line(
    block: Mapping[str, Any], *, users: Mapping[str, str], values: Mapping[str, object]
) -> str:
    element: Mapping[str, Any] = block.get("element") or {}
    need = "optional" if block.get("optional") else "required"
    key = str(block.get("block_id", ""))
    if key in values:
        shown = _value_text(values[key], users=users)
    elif element.get("action_id") in values:
        shown = _value_text(values[str(element["action_id"])], users=users)
    else:
        shown = _initial(element, users=users)
    if not shown:
        placeholder = _text_of(element.get("placeholder"))
        shown = f"‹{placeholder}›" if placeholder else "‹empty›"
    line = f"• {_text_of(block.get('label'))} ({need}): {shown} [type: {_kind(element)}]"
    hint = _text_of(block.get("hint"))
    return f"{line}\n    {hint}" if hint else line


def _kind(element: Mapping[str, Any]) -> str:
    kind = str(element.get("type", ""))
    choices = " | ".join(_text_of(o.get("text")) for o in _options(element))
    if kind == "static_select":
        return f"select one of: {choices}"
    if kind == "multi_static_select":
        return f"select any of: {choices}"
    if kind == "checkboxes":
        return f"tick any of: {choices}"
    if kind == "radio_buttons":
        return f"choose one of: {choices}"
    if kind == "plain_text_input" and element.get("multiline"):
        return "text, multiline"
    return _INPUT_KINDS.get(kind, kind)


def _value_text(value: object, *, users: Mapping[str, str]) -> str:
    """A driver-supplied value: text, a user id, an option, or a list of those."""
    if isinstance(value, str):
        return "@" + users[value] if value in users else value
    if isinstance(value, Mapping):
        return _text_of(value.get("text")) or str(value.get("value", ""))
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(item, users=users) for item in value)
    return "" if value is None else str(value)
