"""The stand-in's mutable workspace and the lookups every method shares (ids, ts, access)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from bot.sandbox.standin_state import (
    ApiError,
    Bookmark,
    Channel,
    Ephemeral,
    Message,
    ResponseUrl,
    Trigger,
    UploadedFile,
    User,
    Usergroup,
    View,
)


class Args:
    """A call's arguments, typed on read: form bodies give strings, JSON bodies give JSON values."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def has(self, key: str) -> bool:
        value = self._data.get(key)
        return value is not None and value != "" and value != []

    def raw(self, key: str) -> Any:
        return self._data.get(key)

    def text(self, key: str, default: str = "") -> str:
        value = self._data.get(key)
        if value is None:
            return default
        if isinstance(value, list):
            return ",".join(str(item) for item in value)
        return value if isinstance(value, str) else str(value)

    def optional(self, key: str) -> str | None:
        return self.text(key) if self.has(key) else None

    def flag(self, key: str) -> bool:
        return self._data.get(key) in (True, 1, "true", "1", "True")

    def number(self, key: str, *, default: int, error: str) -> int:
        if not self.has(key):
            return default
        try:
            return int(self.text(key))
        except ValueError as exc:
            raise ApiError(error) from exc


class Workspace:
    """Everything one fake Slack team holds; callers hold the stand-in's lock while using it."""

    def __init__(
        self,
        *,
        bot_token: str,
        team_id: str,
        team_domain: str,
        team_name: str,
        bot_user_id: str,
        bot_id: str,
        clock: Callable[[], float],
    ) -> None:
        self.bot_token = bot_token
        self.team_id = team_id
        self.team_domain = team_domain
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = "A0CASEDESK"
        self.clock = clock
        self.base_url: str | None = None
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Message]] = {}
        self.ephemerals: dict[str, list[Ephemeral]] = {}
        self.view_stacks: dict[str, list[View]] = {}
        self.homes: dict[str, View] = {}
        self.usergroups: dict[str, Usergroup] = {}
        self.plan_has_usergroups = True  # a free plan has none: plan_upgrade_required
        self.bookmarks: dict[str, list[Bookmark]] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.uploads: dict[str, UploadedFile] = {}
        self._ims: dict[str, str] = {}
        self._serial = itertools.count(1)
        self._last_micros = 0

    # ids and time

    def new_id(self, prefix: str) -> str:
        """Slack-looking ids: a type letter then upper-case alphanumerics."""
        return f"{prefix}0S{next(self._serial):07X}"

    def new_ts(self) -> str:
        """Message timestamps: unique and increasing even when the clock stands still."""
        micros = max(int(self.clock() * 1_000_000), self._last_micros + 1)
        self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    # channels

    def visible(self, channel: Channel) -> bool:
        """The bot sees public channels, private ones it is in, and its own IMs."""
        return not channel.is_private or self.bot_user_id in channel.members

    def channel_for(self, channel_id: str) -> Channel:
        """A channel by id as the bot may see it, else channel_not_found."""
        channel = self.channels.get(channel_id)
        if channel is None or not self.visible(channel):
            raise ApiError("channel_not_found")
        return channel

    def target(self, value: str) -> Channel:
        """chat.* destinations: a channel id, `#name`, or a user id (the bot's IM with them)."""
        if value.startswith("#"):
            found = self.by_name(value[1:])
            if found is None or not self.visible(found):
                raise ApiError("channel_not_found")
            return found
        if value[:1] in ("U", "W") and value in self.users and value not in self.channels:
            return self.im_with(value)
        return self.channel_for(value)

    def by_name(self, name: str) -> Channel | None:
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def im_with(self, user_id: str) -> Channel:
        """The bot's IM with a user, opened on first use like conversations.open."""
        if user_id not in self._ims:
            channel = Channel(
                id=self.new_id("D"),
                name=user_id,
                is_private=True,
                is_im=True,
                members=[self.bot_user_id, user_id],
                created=int(self.clock()),
                user=user_id,
            )
            self.channels[channel.id] = channel
            self.messages[channel.id] = []
            self._ims[user_id] = channel.id
        return self.channels[self._ims[user_id]]

    def is_member(self, channel: Channel, user_id: str) -> bool:
        return user_id in channel.members

    # messages

    def find_message(self, channel_id: str, ts: str) -> Message | None:
        return next((m for m in self.messages.get(channel_id, []) if m.ts == ts), None)

    def thread_root(self, channel_id: str, thread_ts: str | None) -> str | None:
        """Replying to a reply lands in the parent's thread, as in Slack."""
        if thread_ts is None:
            return None
        parent = self.find_message(channel_id, thread_ts)
        return parent.thread_ts if parent is not None and parent.thread_ts else thread_ts

    def permalink(self, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
        link = f"https://{self.team_domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel_id}"
        return link

    def post(
        self,
        channel: Channel,
        *,
        user: str,
        text: str,
        blocks: list[dict[str, Any]],
        thread_ts: str | None,
    ) -> Message:
        ts = self.new_ts()
        root = self.thread_root(channel.id, thread_ts)
        message = Message(
            ts=ts,
            channel=channel.id,
            user=user,
            text=text,
            blocks=blocks,
            thread_ts=root,
            permalink=self.permalink(channel.id, ts, root),
        )
        self.messages.setdefault(channel.id, []).append(message)
        return message

    def add_ephemeral(
        self,
        channel: Channel,
        *,
        user: str,
        text: str,
        blocks: list[dict[str, Any]],
        thread_ts: str | None,
    ) -> Ephemeral:
        ts = self.new_ts()
        ephemeral = Ephemeral(
            ts=ts, channel=channel.id, user=user, text=text, blocks=blocks, thread_ts=thread_ts
        )
        if self.base_url is not None:
            ephemeral.response_url = self.issue_response_url(
                user=user, channel=channel.id, ephemeral_ts=ts
            )
        self.ephemerals.setdefault(user, []).append(ephemeral)
        return ephemeral

    def find_ephemeral(self, user: str, ts: str) -> Ephemeral | None:
        return next((e for e in self.ephemerals.get(user, []) if e.ts == ts), None)

    # interactivity

    def issue_response_url(
        self,
        *,
        user: str,
        channel: str,
        ephemeral_ts: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        if self.base_url is None:
            raise RuntimeError("serve() the stand-in before issuing response URLs")
        hook = ResponseUrl(
            id=self.new_id("R"),
            user=user,
            channel=channel,
            issued_at=self.clock(),
            ephemeral_ts=ephemeral_ts,
            message_ts=message_ts,
        )
        self.response_urls[hook.id] = hook
        return f"{self.base_url}response/{hook.id}"

    def all_views(self) -> list[View]:
        views = [view for stack in self.view_stacks.values() for view in stack]
        return views + list(self.homes.values())
