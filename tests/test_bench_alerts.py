"""`python -m bot bench-alerts` at small numbers (issue 15): the real `python -m bot http` takes
bursts from concurrent senders and makes exactly one case per alert group, no duplicates,
nothing failed, every POST answered 202."""

from __future__ import annotations

import io
import json

import pytest

from bot.bench.alerts import run_benchmark, traffic


@pytest.mark.sqlite_pass_only  # it makes its own SQLite file whatever the pass
def test_intake_4_the_alert_bench_makes_one_case_per_group_at_small_numbers() -> None:
    out = io.StringIO()
    argv = ["--notifications", "60", "--groups", "6", "--fingerprints", "18"]
    argv += ["--senders", "4", "--bursts", "2", "--pause", "0.2", "--json"]
    assert run_benchmark(argv, out) == 0
    (sqlite,) = json.loads(out.getvalue())
    assert (sqlite["backend"], sqlite["notifications"], sqlite["groups"]) == ("sqlite", 60, 6)
    assert (sqlite["cases"], sqlite["duplicates"], sqlite["failed"]) == (6, 0, 0)
    assert sqlite["answer_errors"] == 0 and sqlite["post_to_case_p95_s"] >= 0


def test_the_alert_bench_traffic_covers_every_group_and_fingerprint() -> None:
    bodies = traffic(2000, 100, 300)
    groups = {b["groupKey"] for b in bodies}
    prints = {a["fingerprint"] for b in bodies for a in b["alerts"]}
    assert (len(bodies), len(groups), len(prints)) == (2000, 100, 300)
