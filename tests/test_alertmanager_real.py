"""A real Prometheus Alertmanager (Debian's) posts to the bot under test (issue 15): alerts
pushed to its API (`POST /api/v2/alerts`) reach `/alerts/alertmanager` with the bearer token
of `http_config.authorization`, grouped by alertname, with a 1 s group wait, 2 s group interval
and 3 s repeat interval. One scenario walks a group's life: the first notification opens one
case (INTAKE-1), repeats change nothing (INTAKE-4), a new alert joins the timeline, the resolve
asks the coordinator (CLOSE-1), and a re-fire after the close opens a linked recurrence."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from bot.bench.load_servers import free_port
from bot.sandbox.world import World
from bot.serve import wsgi_app
from bot.web_server import start_web_server
from store.models import AlertNotification
from tests.alert_http import TOKENS, work
from tests.helpers import cases, events, outbox
from tests.real_programs import program

# The scenario tests Alertmanager's HTTP against the bot, not the database's dialect (that is
# tests/test_alerts_race.py), so test.sh runs it once, in the SQLite pass, within the CI budget.
pytestmark = pytest.mark.sqlite_pass_only
CONFIG = """
route:
  receiver: casedesk
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 3s
receivers:
  - name: casedesk
    webhook_configs:
      - url: http://127.0.0.1:{port}/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {token}
"""


class Alertmanager:
    def __init__(self, url: str) -> None:
        self.url = url

    def push(self, *instances: str, resolved: bool = False, name: str = "MailQueueBacklog") -> None:
        now = datetime.now(UTC)
        alerts: list[dict[str, Any]] = [
            {
                "labels": {
                    "alertname": name,
                    "job": "postfix-exporter",
                    "severity": "critical",
                    "instance": instance,
                },
                "annotations": {"summary": f"queue growing on {instance}"},
                "startsAt": (now - timedelta(minutes=1)).isoformat(),
                **({"endsAt": (now - timedelta(seconds=1)).isoformat()} if resolved else {}),
            }
            for instance in instances
        ]
        answer = requests.post(f"{self.url}/api/v2/alerts", json=alerts, timeout=5)
        assert answer.status_code == 200, answer.text


@pytest.fixture
def alertmanager(world: World) -> Iterator[Alertmanager]:
    binary = program(
        "/usr/bin/prometheus-alertmanager", "alertmanager", why="the real-Alertmanager tests"
    )
    web = start_web_server(wsgi_app(world.runtime, slack_events=False), host="127.0.0.1", port=0)
    folder = Path(tempfile.mkdtemp(prefix="casedesk-am-"))
    (folder / "am.yml").write_text(CONFIG.format(port=web.port, token=TOKENS["alertmanager"]))
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={folder / 'am.yml'}",
            f"--storage.path={folder / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _until(lambda: _ready(url), "Alertmanager ready", timeout=15)
        yield Alertmanager(url)
    finally:
        process.terminate()
        process.wait(timeout=10)
        web.stop()


def _ready(url: str) -> bool:
    try:
        return requests.get(f"{url}/-/ready", timeout=1).status_code == 200
    except requests.ConnectionError:
        return False


def _until(check: Callable[[], bool], what: str, *, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {timeout} s for {what}")


def _notifications(world: World) -> int:
    with world.runtime.db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(AlertNotification)) or 0)


def _after(world: World, count: int, what: str, *, timeout: float = 10.0) -> int:
    """Wait until Alertmanager has posted more than `count` notifications, then work them."""
    _until(lambda: _notifications(world) > count, what, timeout=timeout)
    work(world)
    return _notifications(world)


def test_intake_1_intake_4_close_1_a_real_alertmanager_group_lives_as_one_case(
    world: World, alertmanager: Alertmanager
) -> None:
    alertmanager.push("mx1")
    seen = _after(world, 0, "the first notification")
    (case,) = cases(world)
    assert (case.contact_channel, case.service_key, case.summary) == (
        "monitoring",
        "email",
        "MailQueueBacklog on mx1: queue growing on mx1",
    )
    quiet_events, quiet_outbox = len(events(world, 1001)), len(outbox(world))

    seen = _after(world, seen, "a repeat (repeat_interval 3 s)")  # INTAKE-4: nothing new
    assert len(cases(world)) == 1
    assert (len(events(world, 1001)), len(outbox(world))) == (quiet_events, quiet_outbox)

    alertmanager.push("mx1", "mx2")
    _until(
        lambda: (work(world), bool(events(world, 1001, "alert_joined")))[1],
        "mx2 joining the group",
    )
    assert [e.new_value for e in events(world, 1001, "alert_joined")] == [
        "MailQueueBacklog on mx2 – queue growing on mx2"
    ]
    assert len(cases(world)) == 1

    alertmanager.push("mx1", "mx2", resolved=True)  # CLOSE-1: the coordinator is asked
    _until(
        lambda: (work(world), bool(events(world, 1001, "alerts_resolved")))[1],
        "the resolved notification",
    )
    assert sorted(e.new_value or "" for e in events(world, 1001, "alert_resolved")) == [
        "MailQueueBacklog on mx1 – queue growing on mx1",
        "MailQueueBacklog on mx2 – queue growing on mx2",
    ]
    (case,) = cases(world)
    assert case.state not in ("resolved", "closed")

    world.runtime.desk.closing.withdraw(1001, actor="U0DESK01", reason="fixed in monitoring test")
    alertmanager.push("mx1")  # fires again after the close: a new case, a recurrence
    _until(lambda: (work(world), len(cases(world)) == 2)[1], "the recurrence")
    assert [e.new_value for e in events(world, 1002, "recurrence_of")] == ["CASE-1001"]
