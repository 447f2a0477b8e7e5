"""The servers a load run measures: `python -m bot http` and a bare Bolt app that only
acknowledges, under the same gunicorn settings, both talking to the stand-in Slack (also used by
the tests that drive running bot processes)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Protocol

import requests

from bot.sandbox.standin import SlackStandIn
from bot.serve import THREADS

SECRET = "bench-signing-secret"
ROOT = Path(__file__).resolve().parents[2]  # the project, where `python -m bot` runs
START_TIMEOUT = 90.0
BARE_APP = """
import sys
from slack_bolt import App
from gunicorn.app.base import BaseApplication
from slack_bolt.adapter.wsgi import SlackRequestHandler

from slack_sdk import WebClient

client = WebClient(token=sys.argv[5], base_url=sys.argv[3])
app = App(client=client, signing_secret=sys.argv[2])

@app.command("/case")
def case(ack):
    ack(text="ok")

@app.action("case_take")
def take(ack):
    ack()

handler = SlackRequestHandler(app)

def application(environ, start_response):
    if environ.get("PATH_INFO") == "/healthz":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"ok": true}']
    return handler(environ, start_response)

class Server(BaseApplication):
    def load_config(self):
        self.cfg.set("bind", "127.0.0.1:" + sys.argv[1])
        self.cfg.set("workers", 2)
        self.cfg.set("threads", int(sys.argv[4]))
        self.cfg.set("worker_class", "gthread")
        self.cfg.set("loglevel", "warning")
    def load(self):
        return application

Server().run()
"""


class SlackAt(Protocol):
    """Where the bot finds its Slack: a stand-in here, or one served by another process."""

    @property
    def bot_token(self) -> str: ...

    @property
    def api_url(self) -> str: ...


def start_casedesk(
    port: int, standin: SlackAt, database: str, *, output: int = subprocess.DEVNULL
) -> subprocess.Popen[str]:
    """`python -m bot http` on `port`, talking to `standin`; `output` takes its stdout and
    stderr (subprocess.PIPE to read why it did not start)."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": standin.api_url,
        "PORT": str(port),
        "DATABASE_URL": database,
    }
    env.pop("SLACK_APP_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "http"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if output == subprocess.PIPE else output,
        text=True,
    )


def start_bare_app(port: int, standin: SlackStandIn) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            BARE_APP,
            str(port),
            SECRET,
            standin.api_url,
            str(THREADS),
            standin.bot_token,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def wait_until_up(port: int, process: subprocess.Popen[str]) -> str:
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return url
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start in {START_TIMEOUT:.0f} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
