"""Issue 7, several processes: two `python -m bot http` processes (each gunicorn with its own
workers, dispatchers and sweepers) on one PostgreSQL database, with Slack's requests spread
across both, run a scripted day of cases: every case is recorded once, taken once, noted once;
every reminder fires once; every message is delivered once. `CASEDESK_PROCESS_CASES` sets the
size (60 in CI; 200 for the full run)."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from sqlalchemy import func, select

from bot.ack_deadline import STILL_WORKING
from bot.bench.load_servers import free_port, start_casedesk, wait_until_up
from bot.bench.load_traffic import SlackRequests
from bot.sandbox.standin import SlackStandIn
from bot.sandbox.world import demo_standin
from store.db import Database
from store.models import Case, CaseEvent, OutboxItem, Timer
from tests.pg_server import NEEDED, Server

# Its own PostgreSQL server, whichever database the pass is on: the PostgreSQL pass would repeat it.
pytestmark = [NEEDED, pytest.mark.sqlite_pass_only]
CASES = int(os.environ.get("CASEDESK_PROCESS_CASES", "60"))
# Network Operations' calendar is round the clock, so a 1-minute promise (WORK-1 counts it in
# the case's business hours) falls due a minute later whatever the day and hour of the run.
KENJI = "U0NET01"
WAIT_FOR_REMINDERS = 150.0


class Slack:
    """Signed requests as Slack sends them, to whichever process the load balancer picks."""

    def __init__(self, standin: SlackStandIn, urls: list[str]) -> None:
        self.standin, self.urls = standin, urls
        self.requests = SlackRequests(standin)

    def command(self, n: int, user: str, text: str) -> dict[str, Any]:
        """The command's answer: its acknowledgement, or when that said "working on it" (the
        work ran past the deadline on a loaded machine), what followed through response_url."""
        body = self.requests.command(user, text)
        answer = self._post(n, body)
        if answer.get("text") != STILL_WORKING:
            return answer
        hook = parse_qs(body)["response_url"][0].rsplit("/", 1)[-1]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for shown in self.standin.ephemerals(user):
                if shown.posted_through == hook:
                    return {"text": shown.text, "blocks": shown.blocks}
            time.sleep(0.1)
        raise AssertionError(f"no answer followed the acknowledgement of {text!r}")

    def press(self, n: int, user: str, action_id: str, value: str) -> dict[str, Any]:
        return self._post(n, self.requests.press(user, action_id, value))

    def _post(self, n: int, body: str) -> dict[str, Any]:
        response = requests.post(  # a fresh connection: gunicorn closes idle keep-alives
            f"{self.urls[n % len(self.urls)]}/slack/events",
            data=body,
            headers=SlackRequests.headers(body),
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response.json() if response.text.startswith("{") else {"text": response.text}


def _button(answer: dict[str, Any], label: str) -> dict[str, Any] | None:
    for block in answer.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and element["text"]["text"] == label:
                return dict(element)
    return None


@pytest.fixture
def two_processes(own_postgres: Server) -> Iterator[tuple[Slack, Database]]:
    standin = demo_standin(clock=time.time, enforce_rate_limits=False)
    for n in range(CASES):
        standin.add_user(f"U0LD{n:04d}", name=f"load{n}")
    server = standin.serve()
    processes = []
    try:
        os.environ["CASEDESK_SWEEP_SECONDS"] = "0.5"
        urls = []
        for _ in range(2):  # one after the other: the first migrates the database
            port = free_port()
            processes.append(start_casedesk(port, standin, own_postgres.url))
            urls.append(wait_until_up(port, processes[-1]))
        yield Slack(standin, urls), Database(own_postgres.url)
    finally:
        os.environ.pop("CASEDESK_SWEEP_SECONDS", None)
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        server.close()


def test_two_http_processes_on_one_database_keep_every_invariant(
    two_processes: tuple[Slack, Database],
) -> None:
    slack, db = two_processes

    def record(n: int) -> None:
        text = f"new Drill {n} device {n * 7919 % 1000} silent service=vpn for=<@U0LD{n:04d}>"
        answer = slack.command(n, "U0DESK01", text)
        anyway = _button(answer, "Record a new case anyway")
        if anyway is not None:  # a look-alike: the person records it anyway, on the other process
            slack.press(n + 1, "U0DESK01", anyway["action_id"], anyway["value"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(record, range(CASES)))
    numbers: list[int] = []
    deadline = time.monotonic() + 60  # a "record anyway" press is worked after its ack
    while time.monotonic() < deadline and len(numbers) < CASES:
        time.sleep(0.5)
        with db.transaction() as session:
            numbers = list(session.execute(select(Case.number).order_by(Case.number)).scalars())
    time.sleep(1)
    with db.transaction() as session:
        numbers = list(session.execute(select(Case.number).order_by(Case.number)).scalars())
    assert len(numbers) == CASES, "each case recorded exactly once"

    def work(n: int, number: int) -> None:
        taken = slack.command(n, KENJI, f"take CASE-{number} 1m")  # taken with a 1-minute promise
        assert "Promised" in str(taken), taken
        noted = slack.command(n + 1, KENJI, f"note CASE-{number} Checked the cable and the driver")
        assert "error" not in str(noted).lower(), noted

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda pair: work(*pair), enumerate(numbers)))

    deadline = time.monotonic() + WAIT_FOR_REMINDERS
    while time.monotonic() < deadline:
        with db.transaction() as session:
            left = session.execute(
                select(func.count()).where(
                    Timer.kind == "promise_due",
                    Timer.fired_at.is_(None),
                    Timer.cancelled_at.is_(None),
                )
            ).scalar_one()
            pending = session.execute(
                select(func.count()).where(OutboxItem.status == "pending")
            ).scalar_one()
        if left == 0 and pending == 0:
            break
        time.sleep(1)

    with db.transaction() as session:
        kinds = Counter(
            (number, kind)
            for number, kind in session.execute(
                select(Case.number, CaseEvent.kind).join(CaseEvent, CaseEvent.case_id == Case.id)
            )
        )
        fired = session.execute(
            select(func.count()).where(Timer.kind == "promise_due", Timer.fired_at.is_not(None))
        ).scalar_one()
        statuses = Counter(session.execute(select(OutboxItem.status)).scalars())
        posts = session.execute(
            select(OutboxItem.slack_channel, OutboxItem.slack_ts, OutboxItem.message_key).where(
                OutboxItem.operation == "post", OutboxItem.slack_ts.is_not(None)
            )
        ).all()
    for number in numbers:
        assert kinds[(number, "taken")] == 1, number
        assert kinds[(number, "note")] == 1, (number, sorted(k for (n, k) in kinds if n == number))
        assert kinds[(number, "estimate")] == 1, number
        assert kinds[(number, "promise_due")] == 1, number
    assert fired == CASES, "every promise reminder fired"
    assert set(statuses) <= {"delivered", "superseded"}, statuses  # a newer card replaced
    reminders = [
        m for m in slack.standin.messages(slack.standin.dm_channel_id(KENJI)) if "is due" in m.text
    ]
    assert len(reminders) == CASES, "each reminder reached Kenji once"
    unkeyed = Counter((channel, ts) for channel, ts, key in posts if key is None)
    assert all(count == 1 for count in unkeyed.values())
