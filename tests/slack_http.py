"""Talking to Casedesk the way Slack does: over real HTTP, signed, in HTTP mode.

`start_desk` serves a stand-in Slack (the demo workspace) on loopback, builds the runtime from
an environment mapping, serves `wsgi_app(runtime)` with a threaded WSGI server on a free port,
and starts the outbox dispatcher. Listeners run on Bolt's own thread pool after the ack, so
every assertion about Slack effects polls with `eventually`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import requests
from sqlalchemy import func, select

from bot.app import Runtime, build_runtime
from bot.sandbox.standin import SlackStandIn
from bot.sandbox.standin_state import Call
from bot.sandbox.world import demo_standin, load_workspace
from bot.serve import wsgi_app
from bot.web_server import start_web_server
from config.settings import load_settings
from store.models import Case, OutboxItem
from tests.conftest import TEST_ACK_DEADLINE
from tests.helpers import message_text

T = TypeVar("T")

SIGNING_SECRET = "http-test-signing-secret"
APP_ID = "A0CASEDESK"
LEGACY_TOKEN = "legacy-verification-token"
HTTP_TIMEOUT = 15.0


# -- time --------------------------------------------------------------------------------------
class StandInClock:
    """Wall-clock seconds plus an offset a test moves forward (trigger and response_url ages)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0

    def __call__(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds


def eventually(
    predicate: Callable[[], T | None],
    *,
    timeout: float = 10.0,
    interval: float = 0.02,
    what: str = "",
) -> T:
    """Poll until `predicate` returns something truthy (and return it), or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"not within {timeout}s: {what or predicate!r} (last: {value!r})")
        time.sleep(interval)


# -- signing -----------------------------------------------------------------------------------
def signature(secret: str, timestamp: str, body: str) -> str:
    """X-Slack-Signature: v0=hex(hmac_sha256(secret, "v0:{timestamp}:{body}"))."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


# -- the desk under test -----------------------------------------------------------------------
@dataclass
class SlackDesk:
    """A running Casedesk in HTTP mode, and the stand-in Slack it talks to."""

    standin: SlackStandIn
    clock: StandInClock
    runtime: Runtime
    url: str
    team_id: str
    team_domain: str
    signing_secret: str = SIGNING_SECRET
    _closers: list[Callable[[], None]] = field(default_factory=list)

    # -- sending, exactly as Slack does ------------------------------------------------------
    def post_raw(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: str | None = None,
        signature_header: str | None = None,
        signed: bool = True,
        path: str = "/slack/events",
    ) -> requests.Response:
        """POST a body; signed with the secret unless a signature is given or signed=False."""
        stamp = timestamp if timestamp is not None else str(int(time.time()))
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp}
        if signature_header is not None:
            headers["X-Slack-Signature"] = signature_header
        elif signed:
            headers["X-Slack-Signature"] = signature(self.signing_secret, stamp, body)
        return requests.post(
            self.url + path, data=body.encode("utf-8"), headers=headers, timeout=HTTP_TIMEOUT
        )

    def command_form(
        self,
        user: str,
        text: str,
        *,
        channel: str = "C0ITHELP",
        trigger_id: str | None = None,
        command: str = "/case",
    ) -> dict[str, str]:
        """The form fields of a slash command (text already escaped, as should_escape does)."""
        return {
            "token": LEGACY_TOKEN,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel,
            "channel_name": self.standin.channel(channel).name,
            "user_id": user,
            "user_name": self.user_name(user),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "response_url": self.standin.issue_response_url(user_id=user, channel_id=channel),
            "trigger_id": trigger_id or self.standin.issue_trigger_id(user_id=user),
        }

    def command(
        self, user: str, text: str, *, channel: str = "C0ITHELP", trigger_id: str | None = None
    ) -> requests.Response:
        form = self.command_form(user, text, channel=channel, trigger_id=trigger_id)
        return self.post_raw(urlencode(form), "application/x-www-form-urlencoded")

    def interact(self, payload: Mapping[str, Any]) -> requests.Response:
        """An interactivity payload: form-encoded `payload=<json>`."""
        body = urlencode({"payload": json.dumps(payload)})
        return self.post_raw(body, "application/x-www-form-urlencoded")

    def event(self, envelope: Mapping[str, Any]) -> requests.Response:
        """An Events API callback: a JSON body."""
        return self.post_raw(json.dumps(envelope), "application/json")

    # -- payload parts -----------------------------------------------------------------------
    def team(self) -> dict[str, str]:
        return {"id": self.team_id, "domain": self.team_domain}

    def user_ref(self, user: str) -> dict[str, str]:
        name = self.user_name(user)
        return {"id": user, "username": name, "name": name, "team_id": self.team_id}

    def user_name(self, user: str) -> str:
        return next((u.name for u in self.standin.users() if u.id == user), user)

    # -- reading what happened ---------------------------------------------------------------
    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        return [
            c
            for c in self.standin.calls
            if (method is None or c.method == method) and (ok is None or c.ok == ok)
        ]

    def posts_to(self, channel: str) -> list[Call]:
        """Successful chat.postMessage calls addressed to `channel` (an id or a user id),
        thread replies (the knowledge base's suggestions) aside."""
        return [
            c
            for c in self.calls("chat.postMessage", ok=True)
            if c.args.get("channel") == channel and not c.args.get("thread_ts")
        ]

    def texts(self, channel: str) -> list[str]:
        return [message_text(m.text, m.blocks) for m in self.standin.messages(channel)]

    def dm_texts(self, user: str) -> list[str]:
        return self.texts(self.standin.dm_channel_id(user))

    def ephemeral_texts(self, user: str) -> list[str]:
        return [message_text(e.text, e.blocks) for e in self.standin.ephemerals(user)]

    def case_count(self) -> int:
        with self.runtime.db.transaction() as session:
            return int(session.execute(select(func.count(Case.id))).scalar_one())

    def outbox_count(self) -> int:
        with self.runtime.db.transaction() as session:
            return int(session.execute(select(func.count(OutboxItem.id))).scalar_one())

    def case(self, number: int) -> Case:
        with self.runtime.db.transaction() as session:
            found = session.execute(select(Case).where(Case.number == number)).scalar_one()
            _ = found.parties, found.events, found.clocks  # loaded while the session is open
            return found

    def outbox(self) -> list[OutboxItem]:
        with self.runtime.db.transaction() as session:
            return list(session.execute(select(OutboxItem).order_by(OutboxItem.id)).scalars())

    # -- shutting down -----------------------------------------------------------------------
    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()

    def __enter__(self) -> SlackDesk:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def start_desk(tmp_path: Path) -> SlackDesk:
    """Stand-in Slack with the demo workspace, the runtime in HTTP mode, a WSGI server, and the
    dispatcher, each registered for closing in reverse order."""
    spec = load_workspace()
    bot = spec["bot"]
    clock = StandInClock()
    standin = demo_standin(clock=clock)
    server = standin.serve()
    closers: list[Callable[[], None]] = [server.close]
    try:
        env = {
            "SLACK_BOT_TOKEN": bot["token"],
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": server.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'casedesk.db'}",
        }
        # Answers ride on the acknowledgement however loaded the machine (as in world_settings).
        settings = dataclasses.replace(load_settings(env), ack_deadline_seconds=TEST_ACK_DEADLINE)
        assert settings.mode == "http"
        runtime = build_runtime(settings)
        closers.append(runtime.db.dispose)
        closers.append(runtime.dispatcher.stop)
        # In-flight listeners finish before the database and the stand-in go away.
        executor = runtime.app.listener_runner.listener_executor
        closers.append(lambda: executor.shutdown(wait=True))
        web = start_web_server(wsgi_app(runtime), host="127.0.0.1", port=0)
        closers.append(web.stop)
        runtime.dispatcher.start(interval=0.05)
    except BaseException:
        for closer in reversed(closers):
            closer()
        raise
    return SlackDesk(
        standin=standin,
        clock=clock,
        runtime=runtime,
        url=f"http://127.0.0.1:{web.port}",
        team_id=spec["team"]["id"],
        team_domain=spec["team"]["domain"],
        _closers=closers,
    )


# -- modal state as Slack sends it -------------------------------------------------------------
def submitted_values(view: Mapping[str, Any], answers: Mapping[str, str]) -> dict[str, Any]:
    """state.values for a view: every input block, answered from `answers` (block id -> option
    value, user id or text) or else left at its initial value, shaped per element type."""
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        answer = answers.get(block["block_id"])
        if kind in ("static_select", "radio_buttons"):
            state: dict[str, Any] = {"type": kind, "selected_option": element.get("initial_option")}
            if answer is not None:
                options = {o["value"]: o for o in element.get("options", [])}
                if answer not in options:
                    raise ValueError(f"{answer!r} is not an option of {block['block_id']}")
                state["selected_option"] = options[answer]
        elif kind == "users_select":
            state = {"type": kind, "selected_user": answer or element.get("initial_user")}
        else:
            initial = element.get("initial_value")
            state = {"type": kind, "value": answer if answer is not None else initial}
        values[block["block_id"]] = {element.get("action_id", "value"): state}
    return values
