"""User text in and out of Slack: markup made plain on the way in, escaped on the way out.

Stored text is plain, so a summary reads the same in Slack, the timeline and reports, and no
summary can ping @channel or forge a link when the bot posts it (Slack's escaping rules).
"""

from __future__ import annotations

import re

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>")
_DATE = re.compile(r"<!date\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
# Control characters no person types; PostgreSQL refuses NUL in text outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BROADCAST_WORDS = re.compile(r"(?<![\w@])@(here|channel|everyone)\b", re.IGNORECASE)


def mentions_everyone(text: str) -> bool:
    """True when the text would notify a whole channel (@here, @channel, @everyone)."""
    return bool(_SPECIAL.search(text) or _BROADCAST_WORDS.search(text))


def printable(text: str) -> str:
    """Text without control characters (tabs and line breaks stay)."""
    return _CONTROL.sub("", text)


def plain(text: str) -> str:
    """Slack-escaped text (as commands and messages arrive) to plain text."""
    text = printable(text)
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = _SUBTEAM.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)
    text = _DATE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(2) + f" ({m.group(1)})" if m.group(2) else m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def escape(text: str) -> str:
    """Plain text made safe to post: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Shorten to `limit` characters with an ellipsis, for Block Kit's length limits."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def slug(text: str, *, limit: int) -> str:
    """A channel-name-safe slug: lower-case letters, digits and single hyphens."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:limit].rstrip("-")
