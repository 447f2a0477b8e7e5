"""`python -m bot bench-status` at a size for CI: the incidents and updates are seeded through
the desk, the production server serves them, every read is answered, and the figures come out
for the page, its JSON and the static file beside them (the full run is in docs/status-page.md)."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from bot.__main__ import main
from bot.bench.status import run_benchmark

pytestmark = pytest.mark.sqlite_pass_only


def test_bcast_2_the_status_benchmark_runs_small_and_every_read_is_answered() -> None:
    out = io.StringIO()
    argv = ["--incidents", "2", "--updates", "6", "--requests", "20", "--concurrency", "4"]
    assert run_benchmark([*argv, "--runs", "1", "--json"], out) == 0
    rows = json.loads(out.getvalue())
    assert [(r["target"], r["concurrency"], r["requests"]) for r in rows] == [
        ("/status", 4, 20),
        ("/status.json", 4, 20),
        ("/status/favicon.svg", 4, 20),
    ]
    assert all(r["errors"] == 0 and 0 < r["p50_ms"] <= r["p95_ms"] <= r["p99_ms"] for r in rows)
    page, document, icon = (r["bytes"] for r in rows)
    assert page > document > icon > 0


def test_bcast_2_bench_status_answers_help() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as stopped:
        main(["bench-status", "--help"])
    assert stopped.value.code == 0
    assert out.getvalue().startswith("usage: python -m bot bench-status")
