"""Display names for the places Slack shows text as it is (plain_text: a modal field's error),
where a mention `<@U…>` would read as markup.

Names are read with users.info (Tier 4) and kept for an hour, so a busy desk asks Slack about a
person once an hour at most. When Slack will not say, the person is "a colleague": a refusal
still reads as a sentence and nobody sees an id.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

log = logging.getLogger(__name__)

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
KEEP_SECONDS = 3600.0
UNKNOWN = "a colleague"


class People:
    """Who a user id is, as people read it (display name, else real name, else handle)."""

    def __init__(
        self,
        client: WebClient,
        *,
        keep_seconds: float = KEEP_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.keep_seconds = keep_seconds
        self.clock = clock
        self._names: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def name(self, user_id: str) -> str:
        now = self.clock()
        with self._lock:
            kept = self._names.get(user_id)
        if kept is not None and now - kept[0] < self.keep_seconds:
            return kept[1]
        found = self._ask(user_id)
        if found is None:
            return kept[1] if kept is not None else UNKNOWN
        with self._lock:
            self._names[user_id] = (now, found)
        return found

    def plain(self, text: str) -> str:
        """Text with every mention written as the person's name."""
        return MENTION.sub(lambda m: m.group(2) or self.name(m.group(1)), text)

    def _ask(self, user_id: str) -> str | None:
        try:
            user: dict[str, Any] = self.client.users_info(user=user_id).get("user") or {}
        except (SlackApiError, SlackRequestError, OSError) as exc:
            log.info("no name for %s: %s", user_id, exc)
            return None
        profile: dict[str, Any] = user.get("profile") or {}
        for name in (
            profile.get("display_name"),
            profile.get("real_name"),
            user.get("real_name"),
            user.get("name"),
        ):
            if name:
                return str(name)
        return None
