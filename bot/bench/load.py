"""`python -m bot bench-load`: acknowledgement latency of HTTP mode under load.

Signed slash commands and button presses go over loopback, `concurrency` at a time, to
`python -m bot http` (gunicorn, the production server) on SQLite or PostgreSQL, and in the same
run to a bare Bolt app under the same gunicorn settings that only acknowledges. Both talk to the
stand-in Slack. Printed per target and concurrency: p50 / p95 / p99 milliseconds from sending the
request to its answer (Slack waits up to 3,000 ms).

The traffic is a desk's in an outage: `/case new` for a symptom many people report (the first
is recorded, the rest are held as possible duplicates), `/case show` of open cases, and "Take it"
presses on them (the first press takes, later ones are refused as already taken). Before each
Casedesk run, 20 distinct cases are recorded (not timed) for the shows and the presses to act on.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import IO

from bot.bench.load_servers import free_port, start_bare_app, start_casedesk, wait_until_up
from bot.bench.load_traffic import FAKE_NUMBERS, Traffic, seed_cases
from bot.sandbox.world import demo_standin


@dataclass(frozen=True)
class Figures:
    """One target at one concurrency: the median of each percentile over `runs` runs, and the
    lowest and highest p99 among them (this machine's speed drifts between runs)."""

    target: str
    concurrency: int
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    runs: int
    p99_low_ms: float
    p99_high_ms: float


def run_benchmark(argv: Sequence[str], out: IO[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot bench-load")
    parser.add_argument(
        "--requests",
        type=int,
        default=1000,
        help="per target, concurrency and run (1,000: a steady p99)",
    )
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs per target and concurrency, the targets taking turns; medians are printed",
    )
    parser.add_argument("--database", help="a PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(list(argv))
    if args.runs < 1 or args.requests < 1:
        parser.error("--runs and --requests must be at least 1")
    standin = demo_standin(clock=time.time, enforce_rate_limits=False)
    server = standin.serve()
    with tempfile.TemporaryDirectory() as folder:
        database = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        backend = "postgresql" if database.startswith("postgresql") else "sqlite"
        starts: dict[str, Callable[[int], subprocess.Popen[str]]] = {
            "bare bolt": lambda port: start_bare_app(port, standin),
            f"casedesk ({backend})": lambda port: start_casedesk(port, standin, database),
        }
        processes: list[subprocess.Popen[str]] = []
        try:
            targets: dict[str, Traffic] = {}
            for name, start in starts.items():
                port = free_port()
                processes.append(start(port))
                url = wait_until_up(port, processes[-1])
                numbers = FAKE_NUMBERS if name == "bare bolt" else seed_cases(url, standin)
                targets[name] = Traffic(url=url, standin=standin, numbers=numbers)
            runs: dict[tuple[str, int], list[Figures]] = {}
            for _ in range(args.runs):  # both servers stay up; they take turns at the load
                for name, traffic in targets.items():
                    for concurrency in args.concurrency:
                        figures = _measure(name, traffic, concurrency, args.requests)
                        runs.setdefault((name, concurrency), []).append(figures)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
    server.close()
    results = [_median(figures) for figures in runs.values()]
    if args.json:
        out.write(json.dumps([r.__dict__ for r in results], indent=2) + "\n")
    else:
        out.write(_table(results))
    return 0


def _median(runs: list[Figures]) -> Figures:
    p99s = [r.p99_ms for r in runs]
    return Figures(
        target=runs[0].target,
        concurrency=runs[0].concurrency,
        requests=runs[0].requests,
        p50_ms=round(statistics.median(r.p50_ms for r in runs), 1),
        p95_ms=round(statistics.median(r.p95_ms for r in runs), 1),
        p99_ms=round(statistics.median(p99s), 1),
        errors=sum(r.errors for r in runs),
        runs=len(runs),
        p99_low_ms=min(p99s),
        p99_high_ms=max(p99s),
    )


def _measure(name: str, traffic: Traffic, concurrency: int, count: int) -> Figures:
    calls = [traffic.request(n) for n in range(count)]
    for warm in calls[: min(10, count)]:
        warm()

    def timed(call: Callable[[], int]) -> tuple[float, bool]:
        started = time.perf_counter()
        try:
            ok = call() == 200
        except (OSError, HTTPException):
            ok = False
        return (time.perf_counter() - started) * 1000, ok

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(timed, calls))
    times = sorted(t for t, _ in outcomes)
    p99 = round(_percentile(times, 99), 1)
    return Figures(
        target=name,
        concurrency=concurrency,
        requests=count,
        p50_ms=round(statistics.median(times), 1),
        p95_ms=round(_percentile(times, 95), 1),
        p99_ms=p99,
        errors=sum(1 for _, ok in outcomes if not ok),
        runs=1,
        p99_low_ms=p99,
        p99_high_ms=p99,
    )


def _percentile(ordered: list[float], pct: int) -> float:
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _table(results: list[Figures]) -> str:
    lines = [
        f"{'target':<22} {'conc.':>5} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'p99 range':>15} {'errors':>6}"
    ]
    for r in results:
        spread = f"{r.p99_low_ms:.1f}-{r.p99_high_ms:.1f}"
        lines.append(
            f"{r.target:<22} {r.concurrency:>5} {r.requests:>8} {r.p50_ms:>8} {r.p95_ms:>8} "
            f"{r.p99_ms:>8} {spread:>15} {r.errors:>6}"
        )
    if results:
        lines.append(
            f"each row: medians over {results[0].runs} run(s) of {results[0].requests} requests, "
            "the two servers taking turns"
        )
    return "\n".join(lines) + "\n"
