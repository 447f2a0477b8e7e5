"""`python -m bot bench-load` at a size for CI: both servers start, every request is answered,
and the figures come out for each target and concurrency (the full run is documented in
docs/hardening.md)."""

from __future__ import annotations

import io
import json

from bot.bench_load import run_benchmark


def test_the_load_benchmark_runs_small_and_every_request_is_answered() -> None:
    out = io.StringIO()
    assert (
        run_benchmark(["--requests", "24", "--concurrency", "1", "8", "--runs", "2", "--json"], out)
        == 0
    )
    rows = json.loads(out.getvalue())
    assert [(r["target"], r["concurrency"]) for r in rows] == [
        ("bare bolt", 1),
        ("bare bolt", 8),
        ("casedesk (sqlite)", 1),
        ("casedesk (sqlite)", 8),
    ]
    assert all(r["errors"] == 0 and 0 < r["p50_ms"] <= r["p95_ms"] <= r["p99_ms"] for r in rows)
    assert all(r["runs"] == 2 and r["p99_low_ms"] <= r["p99_ms"] <= r["p99_high_ms"] for r in rows)
