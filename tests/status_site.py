"""The status page served the way the bot serves it: `wsgi_app(runtime)` on a loopback port,
and the case steps the status tests share (a P1 mail outage, its update and its close)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from bot.serve import wsgi_app
from bot.web_server import start_web_server
from tests.conftest import as_user
from tests.helpers import P1_ANSWERS, fill_and_submit

CLOSE_ANSWERS = {
    "Closure code": "Resolved",
    "Root-cause category": "Hardware failure",
    "Fix or workaround": "Permanent fix",
    "Knowledge base": "No article was relevant",
    "Service": "Service fully restored",
}


@contextmanager
def served(world: World) -> Iterator[str]:
    """The web app of Socket Mode (everything but /slack/events) on a free port: its base URL."""
    web = start_web_server(wsgi_app(world.runtime, slack_events=False), host="127.0.0.1", port=0)
    try:
        yield f"http://127.0.0.1:{web.port}"
    finally:
        web.stop()


def get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers=headers, timeout=15)


def status_json(base: str) -> dict[str, Any]:
    found: dict[str, Any] = get(f"{base}/status.json").json()
    return found


def major_outage(world: World, dana: Driver, **answers: str) -> Driver:
    """CASE-1001 (the next number): a P1 recorded by Dana and taken by Priya of the command
    center, who is returned to post updates and close it."""
    dana.command("/case")
    fill_and_submit(dana, {**P1_ANSWERS, **answers})
    priya = as_user(world, "priya")
    priya.press("Take it", channel="C0CMDQ")
    return priya


def resolve_and_close(
    world: World,
    priya: Driver,
    number: int = 1001,
    done: str = "Failed over to the standby mail store",
) -> None:
    priya.command(f"/case resolve CASE-{number} {done}")
    priya.command(f"/case verify CASE-{number}")
    as_user(world, "alex").press("Yes, it works")
    priya.command(f"/case close CASE-{number}")
    fill_and_submit(priya, CLOSE_ANSWERS)
    as_user(world, "morgan").press("Approve the close")
