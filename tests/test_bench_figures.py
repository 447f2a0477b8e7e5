"""`python -m bot bench-figures` at a size for CI: the fill is what its rules say (the figures
read it back exactly), every row is timed and printed against its goal."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from bot.bench.figures import NOW, ROWS, measure, run_benchmark
from bot.bench.figures_fill import first_contact
from bot.desk import Desk
from config.policy import Policy
from store.db import Database
from tests.figures_history import StillClock


def test_qual_2_the_bench_runs_small_and_prints_each_row_against_its_goal() -> None:
    out = io.StringIO()
    assert run_benchmark(["--cases", "120", "--runs", "2"], out) == 0
    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"# sqlite: 120 closed cases filled in \d+\.\d s", lines[0])
    assert len(lines) == 1 + len(ROWS)
    assert re.fullmatch(
        r"sqlite +120 closed cases  /case figures 30d +median +\d+\.\d{3} s, slowest +\d+\.\d{3} s "
        r"\(goal < 2 s\) (ok|OVER GOAL)",
        lines[1],
    )


def test_qual_2_the_bench_fill_reads_back_as_its_rules_say(
    database_url: str, policy: Policy
) -> None:
    cases = 120
    _, timings = measure(database_url, policy, cases=cases, runs=1)
    assert [t.row for t in timings] == [r.name for r in ROWS]
    db = Database(database_url)
    try:
        desk = Desk(db=db, policy=policy, clock=StillClock(NOW))
        f = desk.reports.figures(text="30d", actor="U0MGR01")
    finally:
        db.dispose()
    # Cases first contacted in the last 30 days: index i comes in at now - 61 d + 60 d × i / n.
    start = NOW - timedelta(days=30)
    came_in = [i for i in range(cases) if first_contact(i, cases=cases, now=NOW) >= start]
    assert f.cases == len(came_in) == 58  # i from 62: 61 - 60 × 62 / 120 = 30 days ago
    # Every case closes 30 min × (1 + i mod 40) after it came in: all 58 closes fall inside
    # too, and i = 61 (30.5 days ago) closes 30 min × 22 = 11 h later, inside as well.
    closed_in = [
        i
        for i in range(cases)
        if first_contact(i, cases=cases, now=NOW) + timedelta(minutes=30 * (1 + i % 40)) >= start
    ]
    assert f.closed == len(closed_in)
    withdrawn = [i for i in closed_in if i % 20 == 0]  # the others close "resolved"
    resolving = [i for i in closed_in if i % 20 != 0]
    first = [i for i in resolving if i % 3 != 0 and i % 10 != 0]
    assert f.first_contact.resolved.part == len(first)
    assert f.first_contact.resolved.whole == len(resolving) == len(closed_in) - len(withdrawn)
    assert f.reassignments.reassignments == len([i for i in came_in if i % 10 == 0])
