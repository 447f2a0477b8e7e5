"""The Procfile's `web: python -m bot http`, for real: gunicorn workers in a separate process,
Slack's signed form-encoded requests over HTTP, the Web API calls landing on the stand-in."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import select

from bot.ack_deadline import STILL_WORKING
from bot.app import DELIVERY_NICENESS, RECORDING_NICENESS
from bot.bench import alerts as bench_alerts
from bot.bench.load_servers import free_port, start_casedesk, wait_until_up
from bot.bench.load_traffic import SlackRequests
from bot.sandbox.standin import SlackStandIn
from store.db import Database
from store.models import Case

# `python -m bot http` on its own SQLite file, whichever database the pass is on.
pytestmark = pytest.mark.sqlite_pass_only

TOKEN = "xoxb-http-mode"
_QUEUE = "C0DESKQ"  # the service desk's queue, where an alert no rule matches goes


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    standin = SlackStandIn(bot_token=TOKEN, bot_user_id="UCASEBOT")
    for user in ("U0DESK01", "U0USER01", "U0NET01"):
        standin.add_user(user, name=user.lower())
    for channel, name in (
        ("C0ITHELP", "it-help"),
        ("C0NETQ", "network-queue"),
        (_QUEUE, "service-desk-queue"),
    ):
        standin.add_channel(channel, name=name, members=["U0DESK01", "U0NET01"])
    server = standin.serve()
    yield standin
    server.close()


@pytest.fixture
def bot_url(slack: SlackStandIn, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = start_casedesk(
        port, slack, f"sqlite:///{tmp_path / 'http.db'}", output=subprocess.PIPE
    )
    try:
        try:
            url = wait_until_up(port, process)
        except RuntimeError as exc:
            process.terminate()
            pytest.fail(f"{exc}: {process.communicate(timeout=10)[0]}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_route_2_http_mode_records_and_posts_the_queue_card_and_serves_articles(
    slack: SlackStandIn, bot_url: str
) -> None:
    health = requests.get(f"{bot_url}/healthz", timeout=5).json()
    assert health == {"ok": True, "mode": "http"}
    page = requests.get(f"{bot_url}/kb/KB-4", timeout=5)
    assert page.status_code == 200 and "VPN will not connect" in page.text
    restricted = requests.get(f"{bot_url}/kb/KB-21", timeout=5)  # KB-5: staff only
    assert restricted.status_code == 404 and "staff only" in restricted.text
    body = urlencode(
        {
            "command": "/case",
            "text": "new VPN drops every hour service=vpn for=<@U0USER01|alex>",
            "user_id": "U0DESK01",
            "user_name": "dana",
            "channel_id": "C0ITHELP",
            "channel_name": "it-help",
            "team_id": "T0CASEDESK",
            "team_domain": "northwind",
            "trigger_id": "1.2.3",
            "response_url": "http://127.0.0.1:9/unused",
            "api_app_id": "A1",
        }
    )
    answer = requests.post(
        f"{bot_url}/slack/events", data=body, headers=SlackRequests.headers(body), timeout=10
    )
    assert answer.status_code == 200  # the answer, or "working on it" if a cold start is slow
    assert "CASE-1001" in answer.text or json.loads(answer.text).get("text") == STILL_WORKING
    forged = requests.post(
        f"{bot_url}/slack/events",
        data=body,
        headers={**SlackRequests.headers(body), "X-Slack-Signature": "v0=bad"},
        timeout=10,
    )
    assert forged.status_code == 401
    dm_channel = slack.dm_channel_id("U0USER01")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (
        slack.messages("C0NETQ") and slack.messages(dm_channel)
    ):
        time.sleep(0.1)
    (card,) = [m for m in slack.messages("C0NETQ") if not m.thread_ts]
    assert "CASE-1001" in card.text
    (dm,) = slack.messages(dm_channel)
    assert "CASE-1001" in dm.text


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return sorted(found)


def _nice(pid: int) -> int:
    return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[16])


def _sets(master: int) -> dict[int, list[int]]:
    """Each gunicorn worker and its companions."""
    return {worker: _children(worker) for worker in _children(master)}


def _until(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds:.0f} s: {what}")
        time.sleep(0.1)


def test_http_mode_works_alerts_in_companions_beside_each_worker_and_replaces_a_lost_set(
    slack: SlackStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each gunicorn worker has two companions doing the background work, recording at nice
    +10 and delivering at +15. A companion that dies takes its worker with it and gunicorn
    starts a fresh set; a worker that dies takes its companions; alerts are still worked into
    cases and their cards posted afterwards."""
    monkeypatch.setenv(bench_alerts.TOKEN_ENV, bench_alerts.TOKEN)
    database = f"sqlite:///{tmp_path / 'http.db'}"
    port = free_port()
    process = start_casedesk(port, slack, database, output=subprocess.PIPE)
    try:
        url = wait_until_up(port, process)
        complete = lambda: sorted(map(len, _sets(process.pid).values())) == [2, 2]  # noqa: E731
        _until(complete, "two workers with two companions each")
        sets = _sets(process.pid)
        for worker, companions in sets.items():
            base = _nice(worker)
            assert sorted(_nice(c) for c in companions) == [
                min(19, base + RECORDING_NICENESS),
                min(19, base + DELIVERY_NICENESS),
            ]
        first, second = sorted(sets)
        os.kill(sets[first][0], signal.SIGKILL)
        _until(
            lambda: first not in _sets(process.pid) and complete(),
            "the worker whose companion died was replaced by a fresh set",
        )
        os.kill(second, signal.SIGKILL)
        _until(
            lambda: not any(map(_alive, sets[second])), "the companions of a killed worker stopped"
        )
        body = bench_alerts.notification(7, ["companion-a", "companion-b"], random.Random(1))
        answer = requests.post(
            f"{url}/alerts/alertmanager",
            json=body,
            headers={"Authorization": f"Bearer {bench_alerts.TOKEN}"},
            timeout=10,
        )
        assert answer.status_code == 202
        db = Database(database)
        try:
            _until(lambda: _monitoring_cases(db) == ["BenchAlert007 on companion-a"], "a case")
        finally:
            db.dispose()
        _until(lambda: any("BenchAlert007" in m.text for m in slack.messages(_QUEUE)), "its card")
    finally:
        process.terminate()
        process.wait(timeout=20)


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _monitoring_cases(db: Database) -> list[str]:
    with db.reading() as session:
        return list(
            session.scalars(select(Case.summary).where(Case.contact_channel == "monitoring"))
        )
