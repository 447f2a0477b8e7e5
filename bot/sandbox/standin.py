"""An in-process stand-in for Slack's Web API, so the sandbox and tests run without a workspace.

It speaks Slack's wire format over loopback HTTP and refuses what Slack refuses: auth, required
arguments and error codes from `slack_methods.json`, Block Kit and view limits, trigger and
response_url lifetimes, and (when asked) rate limits. Everything is guarded by one lock, and the
inspection methods hand out copies.
"""

from __future__ import annotations

import copy
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from typing import Any

from bot.sandbox import (
    standin_chat,
    standin_conversations,
    standin_files,
    standin_people,
    standin_views,
)
from bot.sandbox.standin_chaos import DROP, Chaos
from bot.sandbox.standin_chaos import chaos as make_chaos
from bot.sandbox.standin_checks import channel_name_error, parse_view
from bot.sandbox.standin_http import Reply, StandInServer
from bot.sandbox.standin_limits import RateLimiter
from bot.sandbox.standin_state import (
    ApiError,
    Bookmark,
    Call,
    Channel,
    Ephemeral,
    Fault,
    Message,
    Trigger,
    UploadedFile,
    User,
    Usergroup,
    View,
)
from bot.sandbox.standin_webhook import respond
from bot.sandbox.standin_workspace import Args, Workspace

__all__ = ["GENERIC_ERRORS", "SlackStandIn", "StandInServer", "load_methods"]

log = logging.getLogger(__name__)

# Errors any method may answer (Slack's "common errors"), on top of each method's own list.
GENERIC_ERRORS = frozenset(
    {
        "not_authed", "invalid_auth", "account_inactive", "token_revoked", "no_permission",
        "missing_scope", "invalid_arguments", "invalid_arg_name", "invalid_charset",
        "invalid_form_data", "ratelimited", "request_timeout", "service_unavailable",
        "fatal_error", "internal_error", "unknown_method",
    }
)  # fmt: skip

# How a POST to an upload URL shows in `calls` (it is no Web API method).
UPLOAD = "upload"

# When a required argument is missing, the method's own code for it, if it documents one.
_MISSING_ARG_ERRORS = {
    "channel": "channel_not_found",
    "name": "invalid_name_required",
    "user": "user_not_found",
    "users": "no_user",
    "email": "users_not_found",
    "usergroup": "no_such_subteam",
    "ts": "message_not_found",
    "message_ts": "message_not_found",
    "timestamp": "no_item_specified",
}

_HANDLERS: dict[str, Callable[[Workspace, Args], dict[str, Any]]] = {
    **standin_chat.METHODS,
    **standin_files.METHODS,
    **standin_conversations.METHODS,
    **standin_people.METHODS,
    **standin_views.METHODS,
}


def load_methods() -> dict[str, dict[str, Any]]:
    """The shipped method table (tier, required arguments, documented errors)."""
    text = resources.files("bot.sandbox").joinpath("slack_methods.json").read_text("utf-8")
    table: dict[str, dict[str, Any]] = json.loads(text)
    return table


class SlackStandIn:
    """One fake Slack team with a bot user; serve() it and point a WebClient at `api_url`."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-sandbox",
        team_id: str = "T0CASEDESK",
        team_domain: str = "casedesk-sandbox",
        bot_user_id: str = "UCASEBOT",
        enforce_rate_limits: bool = False,
        clock: Callable[[], float] = time.time,
        team_name: str = "Casedesk Sandbox",
        bot_name: str = "casedesk",
        bot_id: str = "B0CASEDESK",
    ) -> None:
        self._lock = threading.RLock()
        self._clock = clock
        self._ws = Workspace(
            bot_token=bot_token,
            team_id=team_id,
            team_domain=team_domain,
            team_name=team_name,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            clock=clock,
        )
        self._ws.users[bot_user_id] = User(
            id=bot_user_id, name=bot_name, real_name=bot_name.title(), is_bot=True
        )
        self._methods = load_methods()
        self._limiter = RateLimiter(clock) if enforce_rate_limits else None
        self._faults: dict[str, list[Fault]] = {}
        self._chaos: Chaos | None = None
        self._calls: list[Call] = []
        self._server: StandInServer | None = None

    # setting up the workspace

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str = "",
        tz: str = "UTC",
        email: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
        display_name: str = "",
    ) -> None:
        with self._lock:
            if user_id in self._ws.users:
                raise ValueError(f"user {user_id} already exists")
            self._ws.users[user_id] = User(
                id=user_id,
                name=name,
                real_name=real_name or name,
                tz=tz,
                email=email,
                is_bot=is_bot,
                deleted=deleted,
                display_name=display_name,
            )

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str,
        members: Iterable[str] = (),
        is_private: bool = False,
        is_archived: bool = False,
        topic: str = "",
        purpose: str = "",
        created_by: str | None = None,
    ) -> str:
        """A pre-made channel; the bot is a member only if listed in `members`."""
        with self._lock:
            problem = channel_name_error(name)
            if problem is not None or self._ws.by_name(name) is not None:
                raise ValueError(f"bad channel name {name!r}: {problem or 'name_taken'}")
            if channel_id in self._ws.channels:
                raise ValueError(f"channel {channel_id} already exists")
            self._ws.channels[channel_id] = Channel(
                id=channel_id,
                name=name,
                is_private=is_private,
                is_archived=is_archived,
                members=list(dict.fromkeys(members)),
                topic=topic,
                purpose=purpose,
                created_by=created_by,
                created=int(self._clock()),
            )
            self._ws.messages[channel_id] = []
            return channel_id

    def add_usergroup(
        self,
        usergroup_id: str,
        *,
        handle: str,
        users: Iterable[str] = (),
        name: str = "",
        description: str = "",
    ) -> str:
        with self._lock:
            self._ws.usergroups[usergroup_id] = Usergroup(
                id=usergroup_id,
                handle=handle,
                name=name or handle,
                users=list(users),
                description=description,
            )
            return usergroup_id

    # serving

    def serve(self, *, host: str = "127.0.0.1", port: int = 0) -> StandInServer:
        with self._lock:
            if self._server is not None:
                raise RuntimeError("the stand-in is already being served")
            self._server = StandInServer(self, host=host, port=port)
            self._ws.base_url = self._server.base_url
            return self._server

    def close(self) -> None:
        """Stop serving (the same as closing the StandInServer that serve() returned)."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()

    @property
    def bot_token(self) -> str:
        """The token this team accepts from its bot."""
        return self._ws.bot_token

    @property
    def api_url(self) -> str:
        if self._server is None:
            raise RuntimeError("serve() the stand-in first")
        return self._server.api_url

    # what Slack hands the app with interactions

    def issue_trigger_id(self, *, user_id: str) -> str:
        """A trigger_id as an interaction payload carries: single use, valid for 3 seconds."""
        with self._lock:
            now = self._clock()
            serial = len(self._ws.triggers) + 1
            trigger_id = f"{int(now)}.{serial:07d}.{secrets.token_hex(8)}"
            self._ws.triggers[trigger_id] = Trigger(user=user_id, issued_at=now)
            return trigger_id

    def issue_response_url(
        self,
        *,
        user_id: str,
        channel_id: str,
        ephemeral_ts: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """A response_url for an interaction; bind it to the ephemeral or message it came from."""
        with self._lock:
            return self._ws.issue_response_url(
                user=user_id, channel=channel_id, ephemeral_ts=ephemeral_ts, message_ts=message_ts
            )

    def add_member(self, channel_id: str, user_id: str) -> None:
        """A person joins a channel by themselves (not invited by the bot)."""
        with self._lock:
            if user_id not in self._ws.users:
                raise KeyError(user_id)
            channel = self._ws.channels[channel_id]
            if user_id not in channel.members:
                channel.members.append(user_id)

    def post_as_user(
        self, user_id: str, channel_id: str, text: str, thread_ts: str | None = None
    ) -> Message:
        """A person posting (for message shortcuts and threads the bot reads)."""
        with self._lock:
            if user_id not in self._ws.users:
                raise KeyError(user_id)
            channel = self._ws.channels[channel_id]
            message = self._ws.post(
                channel, user=user_id, text=text, blocks=[], thread_ts=thread_ts
            )
            return copy.deepcopy(message)

    # modal lifecycle driven by the sandbox/test driver

    def close_views(self, user_id: str) -> None:
        """The user closed the modal, or a submission cleared the whole stack."""
        with self._lock:
            self._ws.view_stacks.pop(user_id, None)

    def pop_view(self, user_id: str) -> None:
        """An empty ack to a submission: Slack closes only the top view of a stack."""
        with self._lock:
            stack = self._ws.view_stacks.get(user_id) or []
            if stack:
                stack.pop()
            if not stack:
                self._ws.view_stacks.pop(user_id, None)

    def apply_view_response(self, user_id: str, view_id: str, response: Mapping[str, Any]) -> None:
        """Apply a view_submission ack's response_action; ValueError where Slack would refuse it."""
        with self._lock:
            stack = self._ws.view_stacks.get(user_id) or []
            target = next((v for v in stack if v.id == view_id), None)
            if target is None:
                raise ValueError(f"no open view {view_id} for {user_id}")
            action = response.get("response_action")
            try:
                if action == "update":
                    standin_views.replace(self._ws, target, self._view(response, keep=target.id))
                elif action == "push":
                    standin_views.push(self._ws, user_id, self._view(response, keep=None))
                elif action == "errors":
                    target.errors = _field_errors(target, response.get("errors"))
                elif action == "clear":
                    self._ws.view_stacks.pop(user_id, None)
                else:
                    raise ValueError(f"unknown response_action {action!r}")
            except ApiError as error:
                messages = error.extra.get("response_metadata", {}).get("messages", [])
                raise ValueError(f"{error.code}: {messages}") from error

    def _view(self, response: Mapping[str, Any], *, keep: str | None) -> dict[str, Any]:
        payload = parse_view(response.get("view"), surface="modal")
        external_id = payload.get("external_id")
        if external_id and any(
            v.external_id == external_id and v.id != keep for v in self._ws.all_views()
        ):
            raise ApiError("duplicate_external_id")
        return payload

    # fault injection

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` fail: 429, an HTTP 5xx, or 200 with `error`.

        Faults answer before auth and rate limits, like an outage in front of the API would.
        """
        if method not in _HANDLERS:
            raise ValueError(f"unknown method {method}")
        if status == 200 and not error:
            raise ValueError("status=200 needs error=<code>")
        if status not in (200, 429) and status < 500:
            raise ValueError("status must be 200, 429 or 5xx")
        code = error or ("ratelimited" if status == 429 else "internal_error")
        with self._lock:
            self._faults.setdefault(method, []).append(
                Fault(status=status, retry_after=max(1, retry_after), error=code, times=times)
            )

    def chaos(
        self,
        rate: float,
        *,
        methods: Iterable[str] | None = None,
        kinds: Iterable[str] = ("429", "500", "slow", "drop"),
        slow_seconds: float = 0.2,
        seed: int = 0,
    ) -> Chaos:
        """From now on a `rate` share of calls (to `methods`, or all) fail at random: 429 with
        Retry-After, 500, a slow answer or a dropped connection. `calm()` ends it."""
        for method in methods or ():
            if method not in _HANDLERS:
                raise ValueError(f"unknown method {method}")
        made = make_chaos(rate, methods=methods, kinds=kinds, slow_seconds=slow_seconds, seed=seed)
        with self._lock:
            self._chaos = made
        return made

    def calm(self) -> None:
        with self._lock:
            self._chaos = None

    # inspection (copies, so callers never race the server threads)

    def channels(self) -> list[Channel]:
        with self._lock:
            return copy.deepcopy(list(self._ws.channels.values()))

    def channel(self, channel_id: str) -> Channel:
        with self._lock:
            return copy.deepcopy(self._ws.channels[channel_id])

    def channel_by_name(self, name: str) -> Channel | None:
        with self._lock:
            return copy.deepcopy(self._ws.by_name(name.removeprefix("#")))

    def dm_channel_id(self, user_id: str) -> str:
        with self._lock:
            if user_id not in self._ws.users:
                raise KeyError(user_id)
            return self._ws.im_with(user_id).id

    def set_usergroups_plan(self, *, available: bool) -> None:
        """A workspace on a plan without user groups answers usergroups.* with
        plan_upgrade_required."""
        with self._lock:
            self._ws.plan_has_usergroups = available

    def set_presence(self, user_id: str, presence: str) -> None:
        """A person goes "away" from Slack or comes back ("active")."""
        if presence not in ("active", "away"):
            raise ValueError("presence is active or away")
        with self._lock:
            self._ws.users[user_id].presence = presence

    def users(self) -> list[User]:
        with self._lock:
            return copy.deepcopy(list(self._ws.users.values()))

    def time_zone(self, user_id: str) -> str:
        """The person's IANA time zone (UTC for someone unknown), as users.info gives it."""
        with self._lock:
            found = self._ws.users.get(user_id)
            return found.tz if found is not None else "UTC"

    def display_names(self) -> dict[str, str]:
        """User id -> the name a person sees, for transcript rendering."""
        with self._lock:
            return {u.id: u.display_name or u.real_name or u.name for u in self._ws.users.values()}

    def messages(self, channel_id: str) -> list[Message]:
        with self._lock:
            return copy.deepcopy(self._ws.messages.get(channel_id, []))

    def ephemerals(self, user_id: str) -> list[Ephemeral]:
        with self._lock:
            return copy.deepcopy(self._ws.ephemerals.get(user_id, []))

    def view_stack(self, user_id: str) -> list[View]:
        with self._lock:
            return copy.deepcopy(self._ws.view_stacks.get(user_id, []))

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            home = self._ws.homes.get(user_id)
            return copy.deepcopy(home.view) if home is not None else None

    def home_view_id(self, user_id: str) -> str | None:
        with self._lock:
            home = self._ws.homes.get(user_id)
            return home.id if home is not None else None

    def bookmarks(self, channel_id: str) -> list[Bookmark]:
        with self._lock:
            return copy.deepcopy(self._ws.bookmarks.get(channel_id, []))

    def files(self) -> list[UploadedFile]:
        """Every upload begun, in order: its bytes, whether it completed, where it was shared."""
        with self._lock:
            return copy.deepcopy(list(self._ws.uploads.values()))

    def file_bytes(self, file_id: str) -> bytes:
        """What was uploaded as `file_id` (KeyError when nothing was)."""
        with self._lock:
            data = self._ws.uploads[file_id].data
            if data is None:
                raise KeyError(file_id)
            return data

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return copy.deepcopy(self._calls)

    def documented_errors(self, method: str) -> frozenset[str]:
        """Codes `method` may answer: its own list plus Slack's common errors."""
        if method == UPLOAD:
            return frozenset()  # the upload URL answers HTTP errors, never an error code
        return frozenset(self._methods[method]["errors"]) | GENERIC_ERRORS

    # the HTTP backend

    def handle_api(
        self, method: str, args: dict[str, Any], *, authorization: str, is_json: bool
    ) -> Reply:
        """One Web API call, recorded in `calls` (token removed)."""
        chaos = self._chaos
        fault = chaos.pick(method) if chaos is not None else None
        if fault == "slow" and chaos is not None:
            time.sleep(chaos.slow_seconds)  # outside the lock: other calls go on meanwhile
        with self._lock:
            if fault in ("429", "500", "drop"):
                reply = _chaos_reply(fault)
            else:
                reply = self._dispatch(method, args, authorization=authorization, is_json=is_json)
            body = reply.body if isinstance(reply.body, dict) else {}
            log.debug("%s -> %s %s", method, reply.status, body.get("error") or "ok")
            self._calls.append(
                Call(
                    method=method,
                    args={k: v for k, v in args.items() if k != "token"},
                    ok=bool(body.get("ok")),
                    error=body.get("error"),
                    status=reply.status,
                )
            )
            return reply

    def handle_upload(self, upload_key: str, body: bytes, content_type: str) -> Reply:
        """A POST to an upload URL, recorded in `calls` as the method "upload" with its file."""
        with self._lock:
            status, text = standin_files.receive(self._ws, upload_key, body, content_type)
            uploads = self._ws.uploads.values()
            upload = next((u for u in uploads if u.upload_key == upload_key), None)
            self._calls.append(
                Call(
                    method=UPLOAD,
                    args={"file_id": upload.id if upload else None, "bytes": len(body)},
                    ok=status == 200,
                    error=None,
                    status=status,
                )
            )
            return Reply(status, text)

    def handle_response_url(self, hook_id: str, body: bytes) -> Reply:
        with self._lock:
            status, text = respond(self._ws, hook_id, body)
            return Reply(status, text)

    def _dispatch(
        self, method: str, args: dict[str, Any], *, authorization: str, is_json: bool
    ) -> Reply:
        spec, handler = self._methods.get(method), _HANDLERS.get(method)
        if spec is None or handler is None:
            return Reply(404, {"ok": False, "error": "unknown_method"})
        fault = self._next_fault(method)
        if fault is not None:
            return _fault_reply(fault)
        # Slack reads the token from a JSON body's header only; forms may carry it as a field.
        token = authorization.removeprefix("Bearer ").strip() if authorization else ""
        if not token and not is_json:
            token = str(args.get("token") or "")
        if not token:
            return _error("not_authed")
        if token != self._ws.bot_token:
            return _error("invalid_auth")
        if self._limiter is not None:
            channel = args.get("channel")
            wait = self._limiter.take(
                method=method, tier=spec["tier"], token=token, channel=str(channel or "")
            )
            if wait is not None:
                return Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)})
        call_args = Args(args)
        try:
            _require(spec, call_args)
            return Reply(200, {"ok": True, **handler(self._ws, call_args)})
        except ApiError as error:
            return Reply(200, {"ok": False, "error": error.code, **error.extra})

    def _next_fault(self, method: str) -> Fault | None:
        queue = self._faults.get(method) or []
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault


def _require(spec: Mapping[str, Any], args: Args) -> None:
    """Missing required arguments: the method's own error code where it has one."""
    for required in spec["required"]:
        options = required.split("|")
        if any(args.has(option) for option in options):
            continue
        code = _MISSING_ARG_ERRORS.get(options[0])
        if code is not None and code in spec["errors"]:
            raise ApiError(code)
        field = " or ".join(options)
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": [f"[ERROR] missing required field: {field}"]},
        )


def _field_errors(view: View, errors: Any) -> dict[str, str]:
    """response_action=errors must name input blocks of the view, as Slack checks."""
    if not isinstance(errors, dict) or not errors:
        raise ValueError("response_action=errors needs a non-empty errors object")
    inputs = {b.get("block_id") for b in view.view.get("blocks", []) if b.get("type") == "input"}
    unknown = sorted(str(key) for key in errors if key not in inputs)
    if unknown:
        raise ValueError(f"errors name blocks that are not input blocks of the view: {unknown}")
    return {str(key): str(value) for key, value in errors.items()}


def _error(code: str) -> Reply:
    return Reply(200, {"ok": False, "error": code})


def _chaos_reply(kind: str | None) -> Reply:
    if kind == "429":
        return Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    if kind == "drop":
        return Reply(DROP, "")
    return Reply(500, {"ok": False, "error": "internal_error"})


def _fault_reply(fault: Fault) -> Reply:
    body = {"ok": False, "error": fault.error}
    if fault.status == 429:
        return Reply(429, body, {"Retry-After": str(fault.retry_after)})
    return Reply(fault.status, body)
