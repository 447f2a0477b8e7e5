"""`python -m bot bench-status`: the status page under a burst of readers (BCAST-2).

A desk in a bad hour: `--incidents` open major incidents (20) recorded through the sandbox's
Slack path, with `--updates` status updates (1,000) posted through the desk among them; the
outbox they wrote is marked delivered so no delivery runs beside the measurement. Then
`python -m bot http` (gunicorn, the production server) serves that database, and `GET /status`,
`GET /status.json` and the page's static icon (`/status/favicon.svg`, a file the same server
returns as it is: the server's own cost) are each read `--requests` times at `--concurrency`
(50), the three taking turns for `--runs` runs. Printed: p50 / p95 / p99 milliseconds per
target (medians over the runs; goal: p99 under 50 ms for the page and the JSON).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import requests
from sqlalchemy import update

from bot.bench.load_servers import free_port, start_casedesk, wait_until_up
from bot.sandbox.driver import Driver
from bot.sandbox.world import build_world, demo_standin
from config.settings import load_settings
from store.models import OutboxItem, OutboxStatus

TARGETS = ("/status", "/status.json", "/status/favicon.svg")
SERVICES = (  # listed on the page, and no priority cap (printers stop at P3: never major)
    "E-mail and calendars",
    "VPN and remote access",
    "Passwords, MFA and accounts",
    "Office network and Wi-Fi",
    "Laptops and desktops",
    "Payroll application",
)
SYMPTOMS = (  # distinct words, so INTAKE-4 finds few look-alikes among the incidents
    "refuses every sign-in",
    "times out in the Lisbon office",
    "shows error 503 since the patch",
    "drops connections every hour",
    "is unreachable from the warehouse",
    "lost its configuration overnight",
    "rejects certificates after renewal",
)
PEOPLE = ("alex", "jordan", "lee")
ANSWERS = {
    "Request type": "Incident resolution",
    "Category": "Software",
    "How many people": "Most of the organisation",
    "Who is affected": "Customers or the public",
    "Is a business-critical": "Yes",
    "How badly": "Work has stopped",
    "What changed recently": "I don't know",
}
DESK = "U0DESK01"


@dataclass(frozen=True)
class Figures:
    target: str
    concurrency: int
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    runs: int
    bytes: int


def run_benchmark(argv: Sequence[str], out: IO[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot bench-status")
    parser.add_argument("--incidents", type=int, default=20, help="open major incidents")
    parser.add_argument("--updates", type=int, default=1000, help="status updates among them")
    parser.add_argument("--requests", type=int, default=1000, help="per target and run")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3, help="runs, the targets taking turns")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(list(argv))
    if min(args.incidents, args.requests, args.runs, args.concurrency) < 1 or args.updates < 0:
        parser.error("--incidents, --requests, --runs and --concurrency must be at least 1")
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        _seed(database, incidents=args.incidents, updates=args.updates)
        seeded = time.perf_counter() - started
        results = _serve_and_measure(database, args)
    if args.json:
        out.write(json.dumps([dataclasses.asdict(r) for r in results], indent=2) + "\n")
    else:
        out.write(_table(results, args, seeded))
    return 0


def _seed(database: str, *, incidents: int, updates: int) -> None:
    """The incidents through Slack's path (the intake form), the updates through the desk."""
    settings = dataclasses.replace(load_settings({}), database_url=database)
    world = build_world(settings, enforce_rate_limits=False)
    try:
        dana = Driver(world=world, user=DESK, settle_after=False)
        for n in range(incidents):
            service = SERVICES[n % len(SERVICES)]
            symptom = SYMPTOMS[(n // len(SERVICES)) % len(SYMPTOMS)]
            dana.command("/case")
            for label, value in {
                **ANSWERS,
                "Requester": PEOPLE[n % len(PEOPLE)],
                "Summary": f"{service} {symptom}",
                "Affected service": service,
            }.items():
                dana.fill(label, value)
            dana.submit()
            _record_anyway(dana)
        first = world.runtime.policy.case_number_start
        for n in range(updates):
            world.runtime.desk.work.post_update(
                first + n % incidents,
                actor=DESK,
                text=f"Update {n + 1}: engineers are restoring service; next step under way.",
            )
        with world.runtime.db.transaction() as session:  # nothing to deliver while measuring
            session.execute(
                update(OutboxItem)
                .where(OutboxItem.status == OutboxStatus.PENDING)
                .values(status=OutboxStatus.DELIVERED, delivered_at=world.runtime.clock.now())
            )
    finally:
        world.close()


def _record_anyway(driver: Driver) -> None:
    """INTAKE-4 holds a look-alike of an open incident; the bench records each one."""
    view = driver.current_view() or {}
    if view.get("title", {}).get("text") == "Possible duplicates":
        driver.submit()  # its choice starts at "Record a new case"
    driver.cancel()  # "Case recorded": Done


def _serve_and_measure(database: str, args: argparse.Namespace) -> list[Figures]:
    standin = demo_standin(clock=time.time, enforce_rate_limits=False)
    slack = standin.serve()
    port = free_port()
    process = start_casedesk(port, standin, database)
    try:
        url = wait_until_up(port, process)
        _check_seeded(url, args)
        runs: dict[str, list[Figures]] = {}
        for _ in range(args.runs):
            for path in TARGETS:
                runs.setdefault(path, []).append(
                    _measure(url, path, args.concurrency, args.requests)
                )
    finally:
        process.terminate()
        process.wait(timeout=30)
        slack.close()
    return [_median(found) for found in runs.values()]


def _check_seeded(url: str, args: argparse.Namespace) -> None:
    """The page shows what was seeded: every incident open, every update in the JSON."""
    document = requests.get(f"{url}/status.json", timeout=60).json()
    incidents = document["incidents"]
    updates = sum(1 for i in incidents for u in i["updates"] if u["kind"] == "update")
    if (len(incidents), updates) != (args.incidents, args.updates):
        raise RuntimeError(
            f"seeded {args.incidents} incidents and {args.updates} updates, but the page shows "
            f"{len(incidents)} and {updates}"
        )


def _measure(url: str, path: str, concurrency: int, count: int) -> Figures:
    """`count` GETs of `path`, `concurrency` at a time. Each thread keeps one keep-alive
    connection (http.client: the load generator shares the two cores with the server, so it
    should spend as little CPU as it can, as bench-load's does)."""
    address = urlsplit(url)
    local = threading.local()

    def get() -> tuple[int, int]:
        connection: HTTPConnection | None = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = HTTPConnection(
                address.hostname or "127.0.0.1", address.port, timeout=30
            )
        try:
            connection.request("GET", path, headers={"Accept-Encoding": "gzip"})  # as browsers
            response = connection.getresponse()
            return response.status, len(response.read())
        except (OSError, HTTPException):
            connection.close()
            local.connection = None
            raise

    def timed(_: int) -> tuple[float, bool, int]:
        started = time.perf_counter()
        try:
            status, size = get()
            ok = status == 200
        except (OSError, HTTPException):
            ok, size = False, 0
        return (time.perf_counter() - started) * 1000, ok, size

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(timed, range(min(concurrency, count))))  # connections open, page built
        outcomes = list(pool.map(timed, range(count)))
    times = sorted(t for t, _, _ in outcomes)
    return Figures(
        target=path,
        concurrency=concurrency,
        requests=count,
        p50_ms=round(statistics.median(times), 1),
        p95_ms=round(_percentile(times, 95), 1),
        p99_ms=round(_percentile(times, 99), 1),
        errors=sum(1 for _, ok, _ in outcomes if not ok),
        runs=1,
        bytes=max(size for _, _, size in outcomes),
    )


def _median(runs: list[Figures]) -> Figures:
    return dataclasses.replace(
        runs[0],
        p50_ms=round(statistics.median(r.p50_ms for r in runs), 1),
        p95_ms=round(statistics.median(r.p95_ms for r in runs), 1),
        p99_ms=round(statistics.median(r.p99_ms for r in runs), 1),
        errors=sum(r.errors for r in runs),
        runs=len(runs),
    )


def _percentile(ordered: list[float], pct: int) -> float:
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _table(results: list[Figures], args: argparse.Namespace, seeded: float) -> str:
    lines = [
        f"{args.incidents} open major incidents, {args.updates} status updates (seeded in "
        f"{seeded:.0f} s); python -m bot http (gunicorn, 2 workers) on SQLite",
        f"{'target':<22} {'conc.':>5} {'requests':>8} {'bytes':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6}",
    ]
    for r in results:
        lines.append(
            f"{r.target:<22} {r.concurrency:>5} {r.requests:>8} {r.bytes:>8} {r.p50_ms:>8} "
            f"{r.p95_ms:>8} {r.p99_ms:>8} {r.errors:>6}"
        )
    lines.append(
        f"each row: medians over {args.runs} run(s); bytes on the wire (the page and the JSON "
        "gzipped, asked for as browsers do); goal: p99 under 50 ms for /status and /status.json"
    )
    return "\n".join(lines) + "\n"
