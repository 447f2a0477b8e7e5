"""Real parts for the BCAST-3 tests: an SMTP server (aiosmtpd) that keeps what it is given, a
webhook receiver on loopback that answers each post as its script says (200, 500, too slow,
the connection dropped), and a sandbox world whose relay and policy point at them."""

from __future__ import annotations

import dataclasses
import http.server
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller

from bot.clock import Clock
from bot.sandbox.world import World, build_world
from config.settings import SHIPPED_CONFIG

WEBHOOK_TIMEOUT = 0.3  # a "slow" receiver answers after SLOW seconds: past the timeout
SLOW = 0.8


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server accepted: (envelope sender, recipients, the message's bytes)."""

    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        return [
            message_from_bytes(content, policy=email_policy.default)  # type: ignore[misc]
            for _, rcpt, content in self.received
            if to is None or to in rcpt
        ]


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback for the module; each test empties its inbox."""
    inbox = Inbox()
    for attempt in range(5):  # a free port can be taken by a parallel worker before we bind it
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        try:
            controller.start()
            break
        except (OSError, RuntimeError):
            if attempt == 4:
                raise
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def inbox(smtp_server: tuple[Inbox, int]) -> Inbox:
    smtp_server[0].received.clear()
    return smtp_server[0]


@dataclass
class Post:
    headers: dict[str, str]
    body: bytes
    answer: str  # what the script said to do with it


class Receiver:
    """A webhook endpoint: each post takes the next answer of `script` ("ok" when it runs
    out): "ok" (200), "500", "429" (with Retry-After: 120), "slow" (200 after SLOW seconds)
    or "drop" (no answer at all)."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.posts: list[Post] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._lock:
                    answer = receiver.script.pop(0) if receiver.script else "ok"
                    receiver.posts.append(Post(dict(self.headers.items()), body, answer))
                if answer == "drop":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if answer == "slow":
                    time.sleep(SLOW)
                code = {"500": 500, "429": 429}.get(answer, 200)
                reply = {500: b"receiver broke", 429: b"slow down"}.get(code, b"ok")
                try:
                    self.send_response(code)
                    if code == 429:
                        self.send_header("Retry-After", "120")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:
                    pass  # the desk stopped waiting (the slow case)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def settled(self) -> list[Post]:
        """The posts the receiver answered 200 to in time (what it acted on)."""
        return [p for p in self.posts if p.answer == "ok"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def subscribers_config(tmp_path: Path, **changes: Any) -> Path:
    """The shipped policy with subscribers.yml changed (a short webhook timeout by default)."""
    folder = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = folder / "subscribers.yml"
    data = yaml.safe_load(path.read_text())
    data["delivery"]["webhook_timeout_seconds"] = WEBHOOK_TIMEOUT
    data.update(changes)
    path.write_text(yaml.safe_dump(data))
    return folder


@pytest.fixture
def mail_world(
    database_url: str, clock: Clock, tmp_path: Path, smtp_server: tuple[Inbox, int]
) -> Iterator[World]:
    """The sandbox desk with SMTP_URL at the test's SMTP server and a short webhook timeout."""
    from tests.conftest import world_settings  # conftest imports these fixtures

    settings = dataclasses.replace(
        world_settings(database_url),
        smtp_url=f"smtp://127.0.0.1:{smtp_server[1]}",
        config_dir=subscribers_config(tmp_path),
    )
    built = build_world(settings, clock=clock)
    yield built
    built.close()
