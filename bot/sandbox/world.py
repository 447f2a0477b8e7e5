"""The sandbox's world: the stand-in Slack (people and channels from workspace.yml) served on
loopback, and the real runtime pointed at it (DESIGN decision 6).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bot.app import Runtime, build_runtime
from bot.clock import Clock
from bot.sandbox.standin import SlackStandIn, StandInServer
from config.settings import Settings

WORKSPACE = Path(__file__).resolve().parent / "workspace.yml"
T = TypeVar("T")


class InlineExecutor(Executor):
    """Runs each listener at once in the caller's thread, so a sandbox step is finished (and
    its answer printable) when dispatch returns."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the future, as a pool would
            future.set_exception(exc)
        return future


@dataclass
class World:
    standin: SlackStandIn
    server: StandInServer
    runtime: Runtime
    signing_secret: str
    team_id: str
    team_domain: str

    def close(self) -> None:
        self.runtime.dispatcher.stop()
        self.runtime.db.dispose()
        self.server.close()


def load_workspace(path: Path = WORKSPACE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def demo_standin(*, clock: Callable[[], float], enforce_rate_limits: bool = True) -> SlackStandIn:
    """A stand-in Slack holding the demo desk's people and channels (not yet served)."""
    spec = load_workspace()
    bot = spec["bot"]
    standin = SlackStandIn(
        bot_token=bot["token"],
        team_id=spec["team"]["id"],
        team_domain=spec["team"]["domain"],
        bot_user_id=bot["user_id"],
        enforce_rate_limits=enforce_rate_limits,
        clock=clock,
    )
    everyone = [u["id"] for u in spec["users"]]
    for person in spec["users"]:
        standin.add_user(
            person["id"],
            name=person["name"],
            real_name=person["real_name"],
            email=f"{person['name']}@northwind.example",
            tz=person.get("tz", spec["team"].get("tz", "UTC")),
        )
    for channel in spec["channels"]:
        members = everyone if channel["members"] == "all" else channel["members"]
        standin.add_channel(channel["id"], name=channel["name"], members=members)
    for group in spec.get("usergroups", []):
        standin.add_usergroup(
            group["id"], handle=group["handle"], name=group["name"], users=group["users"]
        )
    return standin


def build_world(
    settings: Settings,
    *,
    clock: Clock | None = None,
    enforce_rate_limits: bool = True,
    prepare: Callable[[SlackStandIn], None] | None = None,
) -> World:
    """A stand-in Slack with the demo desk's people, and the bot wired to it. `prepare` sets up
    the stand-in (a fault, say) before the bot starts against it."""
    clock = clock or Clock()
    spec = load_workspace()
    standin = demo_standin(
        clock=lambda: clock.now().timestamp(), enforce_rate_limits=enforce_rate_limits
    )
    if prepare is not None:
        prepare(standin)
    server = standin.serve()
    bot = spec["bot"]
    wired = replace(
        settings,
        bot_token=bot["token"],
        signing_secret=bot["signing_secret"],
        app_token=None,
        api_url=server.api_url,
    )
    runtime = build_runtime(
        wired, clock=clock, listener_executor=InlineExecutor(), sandbox_alert_tokens=True
    )
    return World(
        standin=standin,
        server=server,
        runtime=runtime,
        signing_secret=bot["signing_secret"],
        team_id=spec["team"]["id"],
        team_domain=spec["team"]["domain"],
    )
