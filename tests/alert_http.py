"""Posting alerts to the bot under test as monitoring does: the web app served on loopback
(`wsgi_app(runtime, slack_events=False)`, as in Socket Mode), real HTTP requests, and the
recorded sample payloads of the three formats."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.sandbox.world import World
from bot.serve import wsgi_app
from bot.web_server import start_web_server

SAMPLES = Path(__file__).resolve().parent / "alert_samples"
TOKENS = {
    "alertmanager": "sandbox-alerts-prometheus",
    "grafana": "sandbox-alerts-grafana",
    "generic": "sandbox-alerts-uptime",
}


def sample(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / f"{kind}.json").read_text())
    return copy.deepcopy(data)


def signed(token: str, body: bytes, *, at: float | None = None) -> dict[str, str]:
    stamp = str(int(at if at is not None else time.time()))
    mac = hmac.new(token.encode(), stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Casedesk-Timestamp": stamp, "X-Casedesk-Signature": f"sha256={mac}"}


class Monitoring:
    """Posts to `/alerts/<kind>` of the served web app."""

    def __init__(self, url: str) -> None:
        self.url = url

    def post(
        self,
        kind: str,
        payload: dict[str, Any] | bytes,
        *,
        token: str | None = "",
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        sent = {"Content-Type": "application/json", **(headers or {})}
        given = TOKENS[kind] if token == "" else token
        if given is not None:
            sent["Authorization"] = f"Bearer {given}"
        return requests.post(f"{self.url}/alerts/{kind}", data=body, headers=sent, timeout=10)


@pytest.fixture
def monitoring(world: World) -> Iterator[Monitoring]:
    web = start_web_server(wsgi_app(world.runtime, slack_events=False), host="127.0.0.1", port=0)
    try:
        yield Monitoring(f"http://127.0.0.1:{web.port}")
    finally:
        web.stop()


def work(world: World) -> None:
    """The alert worker's turn, then the dispatcher's (the sandbox runs no threads)."""
    world.runtime.desk.alerts.work_pending()
    world.runtime.dispatcher.drain()
