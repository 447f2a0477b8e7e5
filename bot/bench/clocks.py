"""`python -m bot bench-clocks`: what the timer sweep costs with many open cases, and how long a
due reminder waits before Slack has it (SLA-4's mechanism, DESIGN decision 3).

For each size it fills a database with open cases, their SLA clocks and timers (none due), times
sweeps that find nothing, then makes a batch of warnings fall due over a few seconds and runs the
real background sweeper and dispatcher against the stand-in Slack, measuring due-to-delivery lag.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from sqlalchemy import delete, insert, select, update

from bot.app import Runtime
from bot.sandbox.world import build_world
from config.settings import Settings
from store.db import Database
from store.models import (
    Case,
    CaseEvent,
    CaseParty,
    IntakeDraft,
    OutboxItem,
    SeenRequest,
    ServiceOverride,
    SlackMessage,
    SlaClock,
    Timer,
)

FAR = timedelta(days=30)


def run_benchmark(settings: Settings, argv: Sequence[str], out: IO[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot bench-clocks")
    parser.add_argument("--cases", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--due", type=int, default=1000, help="reminders made due for the lag")
    parser.add_argument("--interval", type=float, default=5.0, help="sweep interval, seconds")
    parser.add_argument(
        "--spread",
        type=float,
        default=60.0,
        help="seconds over which the reminders fall due (small = a burst)",
    )
    parser.add_argument(
        "--database",
        default=None,
        help="database URL (default: a new SQLite file); it is emptied first",
    )
    args = parser.parse_args(list(argv))
    for size in args.cases:
        url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
        result = _one_size(
            settings, url, size=size, due=args.due, interval=args.interval, spread=args.spread
        )
        out.write(result + "\n")
        out.flush()
    return 0


def _one_size(
    settings: Settings, url: str, *, size: int, due: int, interval: float, spread: float
) -> str:
    world = build_world(
        dataclasses.replace(settings, database_url=url, sweep_seconds=interval),
        enforce_rate_limits=False,
    )
    runtime = world.runtime
    try:
        _empty(runtime.db)
        started = time.perf_counter()
        _fill(runtime.db, size)
        fill_s = time.perf_counter() - started
        idle = []
        for _ in range(50):
            t0 = time.perf_counter()
            runtime.sweeper.sweep()
            idle.append((time.perf_counter() - t0) * 1000)
        fired, lags = _lag(runtime, due=due, spread=spread)
        within = sum(1 for lag in lags if lag <= 2 * interval) / len(lags) if lags else 0.0
        backend = runtime.db.engine.dialect.name
        return (
            f"{backend:10} {size:>7} open cases (filled in {fill_s:.1f} s): idle sweep p50 "
            f"{_pct(idle, 50):.2f} ms, p95 {_pct(idle, 95):.2f} ms; {len(lags)} reminders due "
            f"over {spread:g} s: "
            f"due to fired p50 {_pct(fired, 50):.2f} s, p95 {_pct(fired, 95):.2f} s; due to "
            f"delivered p50 {_pct(lags, 50):.2f} s, p95 {_pct(lags, 95):.2f} s, max "
            f"{max(lags, default=0):.2f} s; {within:.0%} delivered within two sweep intervals "
            f"({2 * interval:g} s)"
        )
    finally:
        world.close()


def _empty(db: Database) -> None:
    """Start from no cases at all (a reused database is emptied of cases and what hangs off)."""
    with db.transaction() as session:
        for model in (
            OutboxItem,
            SlackMessage,
            Timer,
            SlaClock,
            CaseEvent,
            CaseParty,
            SeenRequest,
            IntakeDraft,
            ServiceOverride,
            Case,
        ):
            session.execute(delete(model))


def _fill(db: Database, size: int) -> None:
    """Open cases with two running clocks and four future timers each, inserted in bulk."""
    now = datetime.now(UTC)
    later = now + FAR
    chunk = 5000
    for first in range(0, size, chunk):
        numbers = range(first + 1, min(first + chunk, size) + 1)
        with db.transaction() as session:
            session.execute(insert(Case), [_case_row(n, now) for n in numbers])
            session.execute(
                insert(CaseParty),
                [
                    {"case_id": n, "user_id": "U0DESK01", "role": "coordinator", "since": now}
                    for n in numbers
                ],
            )
            session.execute(
                insert(SlaClock),
                [
                    {
                        "id": 2 * n + k,
                        "case_id": n,
                        "metric": metric,
                        "calendar": "always",
                        "target_seconds": 86400,
                        "started_at": now,
                        "elapsed_seconds": 0.0,
                        "counting_since": now,
                        "paused_seconds": 0.0,
                        "warn_at": later,
                        "due_at": later,
                    }
                    for n in numbers
                    for k, metric in enumerate(("first_response", "resolution"))
                ],
            )
            session.execute(
                insert(Timer),
                [
                    {
                        "key": f"sla:{n}:{metric}:{2 * n + k}:{which}",
                        "kind": f"sla_{kind}",
                        "case_id": n,
                        "due_at": later,
                        "payload": {"clock": 2 * n + k},
                        "created_at": now,
                        "late": False,
                    }
                    for n in numbers
                    for k, metric in enumerate(("first_response", "resolution"))
                    for which, kind in (("warn", "warning"), ("breach", "breach"))
                ],
            )


def _case_row(number: int, now: datetime) -> dict[str, object]:
    return {
        "id": number,
        "number": 100_000 + number,
        "version": 1,
        "state": "assigned",
        "summary": f"Benchmark case {number}",
        "description": "",
        "requester_id": "U0USER01",
        "reporter_id": "U0DESK01",
        "contact_phone": "",
        "contact_email": "",
        "contact_location": "",
        "contact_notes": "",
        "first_contact_at": now,
        "contact_channel": "slack_command",
        "service_key": "vpn",
        "service_name": "",
        "support_status": "supported",
        "request_type": "incident",
        "category": "network",
        "impact_answers": {},
        "impact": "moderate",
        "urgency": "high",
        "priority": "P3",
        "is_major": False,
        "group_key": "network",
        "failure_looks_like": "",
        "success_looks_like": "",
        "steps_to_reproduce": "",
        "evidence": "",
        "recent_change": "unknown",
        "recent_change_details": "",
        "created_at": now,
        "updated_at": now,
    }


def _lag(runtime: Runtime, *, due: int, spread: float) -> tuple[list[float], list[float]]:
    """Make `due` warnings fall due over a few seconds; seconds from due to fired (the outbox
    row written) and from due to delivered (Slack answered)."""
    start = datetime.now(UTC) + timedelta(seconds=1)
    with runtime.db.transaction() as session:
        timers = (
            session.execute(
                select(Timer)
                .where(Timer.kind == "sla_warning", Timer.key.like("%:first_response:%"))
                .order_by(Timer.id)
                .limit(due)
            )
            .scalars()
            .all()
        )
        for i, timer in enumerate(timers):
            when = start + timedelta(seconds=spread * i / max(due, 1))
            timer.due_at = when
            session.execute(
                update(SlaClock).where(SlaClock.id == timer.payload["clock"]).values(warn_at=when)
            )
        due_by_case = {t.case_id: t.due_at for t in timers}
    runtime.dispatcher.start(interval=0.2)
    runtime.sweeper.start()
    deadline = time.monotonic() + spread + 120
    delivered: dict[int | None, tuple[datetime, datetime]] = {}
    try:
        while time.monotonic() < deadline and len(delivered) < len(due_by_case):
            time.sleep(0.5)
            with runtime.db.transaction() as session:
                rows = session.execute(
                    select(
                        OutboxItem.case_id, OutboxItem.created_at, OutboxItem.delivered_at
                    ).where(OutboxItem.template == "sla_warning", OutboxItem.status == "delivered")
                ).all()
            delivered = {case_id: (made, at) for case_id, made, at in rows if at is not None}
    finally:
        runtime.sweeper.stop(wait=False)
        runtime.dispatcher.stop()
    done = [(delivered[c], d) for c, d in due_by_case.items() if c in delivered]
    return (
        [(made - d).total_seconds() for (made, _), d in done],
        [(at - d).total_seconds() for (_, at), d in done],
    )


def _pct(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]
