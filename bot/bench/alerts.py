"""`python -m bot bench-alerts`: monitoring's traffic against `python -m bot http` (gunicorn,
two workers, each with its alert worker and dispatcher), on a SQLite file and, with
`--postgres URL` (e.g. from `scripts/pg-test-server 54391`), on PostgreSQL.

2,000 Alertmanager notifications in bursts over 100 groups and 300 fingerprints, posted by 20
concurrent senders; each notification carries a random subset of its group's alerts, all
firing, so most are repeats. Printed per backend: cases made (goal: the number of groups),
duplicates (goal 0), post-to-case p95 (from the POST to the notification worked into its case,
goal under 2 s) and answer p99 (the POST's round trip, goal under 100 ms).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import SplitResult, urlsplit

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from bot.bench.load_servers import free_port, start_casedesk, wait_until_up
from store.db import Database
from store.models import AlertGroup, AlertNotification, Case, NotificationStatus

TOKEN_ENV = "CASEDESK_ALERTS_PROMETHEUS_TOKEN"
TOKEN = "bench-alerts-token"
WAIT_FOR_WORK = 120.0


@dataclass(frozen=True)
class Figures:
    backend: str
    notifications: int
    groups: int
    cases: int
    duplicates: int
    failed: int
    post_to_case_p95_s: float
    answer_p50_ms: float
    answer_p99_ms: float
    answer_errors: int


def notification(group: int, fingerprints: list[str], rng: random.Random) -> dict[str, Any]:
    """One Alertmanager notification for `group`, with a random subset of its alerts firing.
    One group in ten is about mail (alerts.yml's first rule), the rest match no rule."""
    name = f"BenchAlert{group:03d}"
    job = "postfix-exporter" if group % 10 == 0 else "node-exporter"
    chosen = sorted(rng.sample(fingerprints, rng.randint(1, len(fingerprints))))
    alerts = [
        {
            "status": "firing",
            "labels": {"alertname": name, "job": job, "severity": "warning", "instance": fp},
            "annotations": {"summary": f"{name} on {fp}"},
            "startsAt": "2026-12-06T09:00:00Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.bench:9090/graph",
            "fingerprint": fp,
        }
        for fp in chosen
    ]
    return {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{name}"}}',
        "status": "firing",
        "receiver": "casedesk",
        "groupLabels": {"alertname": name},
        "commonLabels": {"alertname": name, "job": job, "severity": "warning"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.bench:9093",
        "alerts": alerts,
    }


def traffic(count: int, groups: int, fingerprints: int, seed: int = 15) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    per_group = max(1, fingerprints // groups)
    prints = {g: [f"bench-{g:03d}-{n}" for n in range(per_group)] for g in range(groups)}
    order = list(range(groups)) + [rng.randrange(groups) for _ in range(count - groups)]
    rng.shuffle(order)
    return [notification(g, prints[g], rng) for g in order[:count]]


def measure(
    url: str,
    database: str,
    backend: str,
    bodies: list[dict[str, Any]],
    *,
    groups: int,
    senders: int,
    bursts: int,
    pause: float,
) -> Figures:
    sent_at: dict[int, float] = {}
    answers: list[float] = []
    errors = 0
    lock = threading.Lock()
    local = threading.local()

    address = urlsplit(url)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def post(body: dict[str, Any]) -> None:
        """One POST on this sender's kept-alive connection. http.client, not requests: the
        senders share this machine's cores with the bot, and requests' own work per call was
        most of a millisecond of them (Alertmanager, in Go, spends next to none)."""
        nonlocal errors
        data = json.dumps(body).encode()
        start = time.time()
        try:
            status, answer = _send(local, address, data, headers)
        except (OSError, http.client.HTTPException):
            local.connection = None
            with lock:
                errors += 1
            return
        took = time.time() - start
        with lock:
            answers.append(took)
            if status == 202:
                sent_at[int(json.loads(answer)["notification"])] = start
            else:
                errors += 1

    every_sender = threading.Barrier(senders)

    def warm(_: int) -> None:
        """Open this sender's connection with an untimed GET /healthz, as a monitoring system
        that has been sending for a while has: a first request pays for the TCP connection and
        the bot's first database connection (150-170 ms), which is start-up, not answering."""
        every_sender.wait(30)
        connection = _connection(local, address)
        connection.request("GET", "/healthz")
        connection.getresponse().read()

    size = -(-len(bodies) // bursts)
    with ThreadPoolExecutor(max_workers=senders) as pool:
        list(pool.map(warm, range(senders)))
        for index in range(0, len(bodies), size):
            list(pool.map(post, bodies[index : index + size]))
            time.sleep(pause)
    db = Database(database)
    try:
        deadline = time.monotonic() + WAIT_FOR_WORK
        while time.monotonic() < deadline and _pending(db):
            time.sleep(0.2)
        with db.reading() as session:
            worked = dict(
                session.execute(
                    select(AlertNotification.id, AlertNotification.worked_at).where(
                        AlertNotification.status == NotificationStatus.DONE
                    )
                ).all()
            )
            failed = int(
                session.scalar(
                    select(func.count())
                    .select_from(AlertNotification)
                    .where(AlertNotification.status != NotificationStatus.DONE)
                )
                or 0
            )
            cases = int(
                session.scalar(
                    select(func.count())
                    .select_from(Case)
                    .where(Case.contact_channel == "monitoring")
                )
                or 0
            )
            opened = int(
                session.scalar(select(func.count(func.distinct(AlertGroup.group_hash)))) or 0
            )
    finally:
        db.dispose()
    delays = sorted(
        max(0.0, at.timestamp() - sent)
        for n, sent in sent_at.items()
        if (at := worked.get(n)) is not None
    )
    return Figures(
        backend=backend,
        notifications=len(bodies),
        groups=groups,
        cases=cases,
        duplicates=cases - opened,
        failed=failed,
        post_to_case_p95_s=round(_percentile(delays, 95), 3) if delays else float("nan"),
        answer_p50_ms=round(_percentile(sorted(answers), 50) * 1000, 1) if answers else 0.0,
        answer_p99_ms=round(_percentile(sorted(answers), 99) * 1000, 1) if answers else 0.0,
        answer_errors=errors,
    )


def _send(
    local: threading.local, address: SplitResult, data: bytes, headers: dict[str, str]
) -> tuple[int, bytes]:
    connection = _connection(local, address)
    connection.request("POST", "/alerts/alertmanager", body=data, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def _connection(local: threading.local, address: SplitResult) -> http.client.HTTPConnection:
    """This sender's kept-alive connection, opened on first use (again after an error)."""
    connection = getattr(local, "connection", None)
    if connection is None:
        connection = local.connection = http.client.HTTPConnection(
            address.hostname or "127.0.0.1", address.port, timeout=30
        )
    return connection


def _pending(db: Database) -> bool:
    with db.reading() as session:
        return bool(
            session.scalar(
                select(func.count())
                .select_from(AlertNotification)
                .where(AlertNotification.status == NotificationStatus.PENDING)
            )
        )


def _percentile(ordered: list[float], pct: int) -> float:
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def run_benchmark(argv: Sequence[str], out: IO[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot bench-alerts")
    parser.add_argument("--notifications", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--fingerprints", type=int, default=300)
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument(
        "--bursts", type=int, default=10, help="the notifications in this many bursts"
    )
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between bursts")
    parser.add_argument("--postgres", help="also run on this PostgreSQL server's database (a URL)")
    parser.add_argument(
        "--sqlite",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run on a SQLite file (--no-sqlite with --postgres: PostgreSQL only)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(list(argv))
    if args.groups < 1 or args.notifications < args.groups or args.fingerprints < args.groups:
        parser.error("need at least one group, a notification and a fingerprint per group")
    bodies = traffic(args.notifications, args.groups, args.fingerprints)
    results: list[Figures] = []
    with tempfile.TemporaryDirectory() as folder:
        backends = [("sqlite", f"sqlite:///{Path(folder) / 'bench-alerts.db'}")]
        backends = backends if args.sqlite else []
        for backend, database in backends:
            results.append(_run_one(backend, database, bodies, args))
        if args.postgres:
            with _fresh_database(args.postgres) as database:
                results.append(_run_one("postgresql", database, bodies, args))
    if args.json:
        out.write(json.dumps([r.__dict__ for r in results], indent=2) + "\n")
    else:
        out.write(_table(results, args))
    return 0


@contextmanager
def _fresh_database(admin_url: str) -> Iterator[str]:
    """A database of its own on the server, dropped afterwards."""
    name = f"casedesk_bench_alerts_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@dataclass(frozen=True)
class RemoteSlack:
    """The stand-in Slack served by a process of its own, so the bot's messages to Slack do not
    share the senders' interpreter (their answer times would include its work)."""

    bot_token: str
    api_url: str


STANDIN = """
import sys, time
from bot.sandbox.world import demo_standin
standin = demo_standin(clock=time.time, enforce_rate_limits=False)
server = standin.serve()
print(standin.bot_token, server.api_url, flush=True)
sys.stdin.read()
"""


def _run_one(backend: str, database: str, bodies: list[dict[str, Any]], args: Any) -> Figures:
    slack = subprocess.Popen(
        [sys.executable, "-c", STANDIN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert slack.stdout is not None
    token, api_url = slack.stdout.readline().split()
    os.environ[TOKEN_ENV] = TOKEN  # the subprocess reads its token from the environment
    port = free_port()
    process = start_casedesk(port, RemoteSlack(token, api_url), database)
    try:
        url = wait_until_up(port, process)
        return measure(
            url,
            database,
            backend,
            bodies,
            groups=args.groups,
            senders=args.senders,
            bursts=args.bursts,
            pause=args.pause,
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
        slack.terminate()
        slack.wait(timeout=30)
        os.environ.pop(TOKEN_ENV, None)


def _table(results: list[Figures], args: Any) -> str:
    lines = [
        f"{args.notifications} notifications in {args.bursts} bursts over {args.groups} groups "
        f"and {args.fingerprints} fingerprints, {args.senders} concurrent senders",
        f"{'backend':<11} {'cases made':>10} {'goal':>5} {'duplicates':>10} {'failed':>6} "
        f"{'post-to-case p95':>17} {'answer p50':>11} {'answer p99':>11} {'errors':>6}",
    ]
    for r in results:
        lines.append(
            f"{r.backend:<11} {r.cases:>10} {r.groups:>5} {r.duplicates:>10} {r.failed:>6} "
            f"{r.post_to_case_p95_s:>15.3f} s {r.answer_p50_ms:>8.1f} ms "
            f"{r.answer_p99_ms:>8.1f} ms {r.answer_errors:>6}"
        )
    lines.append(
        "goals: cases made = groups, duplicates 0, post-to-case p95 < 2 s, answer p99 < 100 ms"
    )
    return "\n".join(lines) + "\n"
