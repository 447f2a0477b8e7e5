"""`python -m bot bench-figures`: how long the desk's reports take over a large record.

It bulk-inserts closed cases with their timelines (clocks, events, parties, surveys, article
use) spread over the last 60 days, on SQLite and, with `--postgres URL`, on PostgreSQL too, then
times each row of `ROWS` (the median and the slowest of `--runs` runs) against its goal. A row is
what a person asks for, timed end to end in the desk layer and the renderer; more rows (the
weekly report, the CSV of a month) are added to `ROWS`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from bot.bench.figures_fill import fill
from bot.clock import Clock
from bot.desk import Desk
from bot.figures import parse_period
from bot.render.figures import figures_message
from bot.reports import delivery, report_text, weekly
from bot.reports.csv_export import Selection
from config.policy import Policy, load_policy
from config.settings import SHIPPED_CONFIG
from store.db import Database
from store.migrate import migrate

MANAGER = "U0MGR01"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, kw_only=True)
class TimedRow:
    """One thing a person asks for, and how fast it must answer."""

    name: str
    goal_seconds: float
    run: Callable[[Desk], object]


@dataclass(frozen=True, kw_only=True)
class Timing:
    backend: str
    row: str
    cases: int
    median_s: float
    slowest_s: float
    goal_s: float

    @property
    def within_goal(self) -> bool:
        return self.slowest_s < self.goal_s

    def line(self) -> str:
        verdict = "ok" if self.within_goal else "OVER GOAL"
        return (
            f"{self.backend:10} {self.cases:>7} closed cases  {self.row:28} median "
            f"{self.median_s:6.3f} s, slowest {self.slowest_s:6.3f} s (goal < {self.goal_s:g} s) "
            f"{verdict}"
        )


def _figures_30d(desk: Desk) -> object:
    return figures_message(desk.policy, desk.reports.figures(text="30d", actor=MANAGER))


def _weekly_report(desk: Desk) -> object:
    """The weekly report as the dispatcher builds it: figures, cases per day, three PNGs and the
    headline (the upload to Slack is not timed)."""
    due = weekly.next_due(desk.policy, NOW - timedelta(days=7))
    days = weekly.covered(desk.policy, due)
    report = delivery.build(desk.db, desk.policy, days, now=NOW)
    return report_text.headline(desk.policy, report, due_at=due, late=False)


def _csv_month(desk: Desk) -> object:
    """`/case figures csv 30d` for a manager: both files, streamed from SQL, in memory."""
    period = parse_period("30d", now=NOW, zone=desk.policy.desk_zone)
    selection = Selection(start=period.start, stop=period.end)
    return delivery.build_csv(desk.db, desk.policy, selection)


ROWS: list[TimedRow] = [
    TimedRow(name="/case figures 30d", goal_seconds=2.0, run=_figures_30d),
    TimedRow(name="weekly report with 3 charts", goal_seconds=5.0, run=_weekly_report),
    TimedRow(name="CSV of 30 days (2 files)", goal_seconds=10.0, run=_csv_month),
]


def run_benchmark(argv: Sequence[str], out: IO[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot bench-figures")
    parser.add_argument("--cases", type=int, default=100_000, help="closed cases to insert")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per row")
    parser.add_argument(
        "--postgres",
        default=None,
        help="a PostgreSQL URL to run on too (scripts/pg-test-server prints one); it is filled "
        "afresh, so give it a database of its own",
    )
    args = parser.parse_args(list(argv))
    if args.cases < 1 or args.runs < 1:
        parser.error("--cases and --runs must be at least 1")
    policy = load_policy(SHIPPED_CONFIG)
    with tempfile.TemporaryDirectory() as folder:
        urls = [f"sqlite:///{Path(folder) / 'bench.db'}"]
        if args.postgres:
            urls.append(args.postgres)
        for url in urls:
            filled, timings = measure(url, policy, cases=args.cases, runs=args.runs)
            out.write(f"# {filled}\n")
            for timing in timings:
                out.write(timing.line() + "\n")
            out.flush()
    return 0


def measure(url: str, policy: Policy, *, cases: int, runs: int) -> tuple[str, list[Timing]]:
    """Fill one database and time every row on it; also says how long the fill took."""
    db = Database(url)
    try:
        migrate(db)
        started = time.perf_counter()
        fill(db, policy, cases=cases, now=NOW)
        filled = time.perf_counter() - started
        desk = Desk(db=db, policy=policy, clock=Clock(start=NOW))
        backend = db.engine.dialect.name
        timings = []
        for row in ROWS:
            row.run(desk)  # once untimed: the first run pays for the planner's statistics
            spent = []
            for _ in range(runs):
                t0 = time.perf_counter()
                row.run(desk)
                spent.append(time.perf_counter() - t0)
            timings.append(
                Timing(
                    backend=backend,
                    row=row.name,
                    cases=cases,
                    median_s=statistics.median(spent),
                    slowest_s=max(spent),
                    goal_s=row.goal_seconds,
                )
            )
        return f"{backend}: {cases} closed cases filled in {filled:.1f} s", timings
    finally:
        db.dispose()
