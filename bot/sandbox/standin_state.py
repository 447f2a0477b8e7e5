"""The stand-in's workspace as plain dataclasses, so tests and the sandbox can inspect it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ApiError(Exception):
    """A Slack API refusal: HTTP 200 with `{"ok": false, "error": code}` plus any extra fields."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra


@dataclass
class User:
    id: str
    name: str
    real_name: str = ""
    tz: str = "UTC"
    email: str | None = None
    is_bot: bool = False
    deleted: bool = False
    display_name: str = ""
    presence: str = "active"


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    is_archived: bool = False
    members: list[str] = field(default_factory=list)
    topic: str = ""
    purpose: str = ""
    created_by: str | None = None
    pins: list[str] = field(default_factory=list)
    created: int = 0
    user: str | None = None  # the other party of an IM


@dataclass
class Message:
    ts: str
    channel: str
    user: str
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    edited: bool = False
    pinned: bool = False
    permalink: str = ""
    reactions: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # ids of files shared with this message


@dataclass
class Ephemeral:
    ts: str
    channel: str
    user: str
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    response_url: str = ""
    thread_ts: str | None = None
    posted_through: str = ""  # the response_url hook id that posted it, if one did


@dataclass
class View:
    id: str
    hash: str
    view: dict[str, Any]
    user: str
    root_view_id: str
    previous_view_id: str | None = None
    errors: dict[str, str] | None = None
    external_id: str | None = None


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    ok: bool
    error: str | None
    status: int


@dataclass
class Usergroup:
    id: str
    handle: str
    name: str = ""
    users: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class Bookmark:
    id: str
    channel_id: str
    title: str
    type: str
    link: str = ""
    emoji: str = ""


@dataclass
class Trigger:
    user: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrl:
    """A response_url, bound to a user, a channel, and the ephemeral or message it may replace."""

    id: str
    user: str
    channel: str
    issued_at: float
    ephemeral_ts: str | None = None
    message_ts: str | None = None
    uses: int = 0


@dataclass
class Fault:
    """An injected failure for the next `times` calls of one method."""

    status: int
    retry_after: int
    error: str
    times: int


@dataclass
class UploadedFile:
    """A file from files.getUploadURLExternal: its bytes once POSTed, its shares once completed."""

    id: str
    filename: str
    length: int
    upload_key: str
    issued_at: float
    alt_txt: str = ""
    snippet_type: str | None = None
    title: str = ""
    data: bytes | None = None
    completed: bool = False
    created: int = 0
    shares: list[str] = field(default_factory=list)  # channel ids it was shared to
