"""`python -m bot bench-search`: `/case search` and `/case list` over a large desk.

It fills a database with cases whose summaries, descriptions and customer-facing updates are
drawn from a service desk's words (a tenth open, the rest closed), then times the desk's own
search and list (the code behind the slash commands, without Slack), as staff and as a
requester, each the median of several runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import IO

from sqlalchemy import delete, insert

from bot.clock import Clock
from bot.desk import Desk
from config.policy import load_policy
from config.settings import Settings
from store.db import Database
from store.migrate import migrate
from store.models import Case, CaseEvent, CaseParty, SlaClock

THINGS = (
    "printer", "scanner", "laptop", "monitor", "docking station", "keyboard", "VPN", "Wi-Fi",
    "email", "calendar", "shared mailbox", "password", "MFA token", "payroll export", "Teams",
    "SharePoint site", "badge reader", "projector", "phone", "Outlook", "Excel macro", "SAP",
)  # fmt: skip
TROUBLES = (
    "jams", "is offline", "will not start", "keeps disconnecting", "is very slow", "shows an error",
    "needs a reset", "was stolen", "asks for a licence", "lost its settings", "cannot sync",
    "prints blank pages", "flickers", "is locked", "needs access", "crashes on open",
)  # fmt: skip
PLACES = ("on floor 2", "in Leeds", "at home", "in the boardroom", "for the sales team", "")
FILLER = (
    "since this morning", "after the update", "for everyone in the team", "intermittently",
    "tried restarting it", "the error code is 0x80070005", "it worked yesterday", "urgent",
    "the customer is waiting", "see the screenshot", "only on the second floor",
)  # fmt: skip
UPDATES = (
    "We are looking into it", "A technician will visit this afternoon",
    "The replacement part is ordered", "Please restart and tell us if it helps",
    "The fix is deployed; is it working now?", "It works again, thank you",
)  # fmt: skip
QUERIES = ("pritner jams", "vpn disconects", "pasword reset", "shared mailbox access", "zqxwv")


def run_benchmark(settings: Settings, argv: Sequence[str], out: IO[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot bench-search")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="runs per query; the median shows")
    parser.add_argument(
        "--database", default=None, help="database URL (default: a new SQLite file); emptied first"
    )
    args = parser.parse_args(list(argv))
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    db = Database(url)
    migrate(db)
    try:
        _empty(db)
        started = time.perf_counter()
        _fill(db, args.cases)
        out.write(
            f"{db.engine.dialect.name}: {args.cases:,} cases filled in "
            f"{time.perf_counter() - started:.1f} s\n"
        )
        desk = Desk(db=db, policy=load_policy(settings.config_dir), clock=Clock())
        for query in QUERIES:
            for who, viewer in (("staff", "U0MGR01"), ("requester", "U0USER01")):
                ms = _median(partial(desk.lists.search, query, viewer=viewer), args.runs)
                out.write(f"  /case search {query!r:26} as {who:9}: {ms:7.1f} ms\n")
        for words in ("all", "at-risk", "group network priority=P3", "unassigned"):
            ms = _median(partial(desk.lists.list_cases, words, viewer="U0MGR01"), args.runs)
            out.write(f"  /case list {words!r:29} as staff    : {ms:7.1f} ms\n")
        ms = _median(lambda: desk.lists.list_cases("all", viewer="U0MGR01", page=400), args.runs)
        out.write(f"  /case list 'all', page 400{'':14} as staff    : {ms:7.1f} ms\n")
        out.flush()
    finally:
        db.dispose()
    return 0


def _median(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        work()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _empty(db: Database) -> None:
    with db.transaction() as session:
        for model in (SlaClock, CaseEvent, CaseParty, Case):
            session.execute(delete(model))


def _fill(db: Database, size: int) -> None:
    """Cases in bulk: a tenth open (with two running clocks), each with one or two updates."""
    rng = random.Random(17)
    now = datetime.now(UTC)
    chunk = 5000
    for first in range(1, size + 1, chunk):
        numbers = range(first, min(first + chunk, size + 1))
        rows = [_case_row(rng, n, now) for n in numbers]
        with db.transaction() as session:
            session.execute(insert(Case), rows)
            session.execute(
                insert(CaseParty),
                [
                    {"case_id": n, "user_id": who, "role": role, "since": now}
                    for n, row in zip(numbers, rows, strict=True)
                    for who, role in (
                        ("U0DESK01", "coordinator"),
                        (str(row["requester_id"]), "requester"),
                    )
                ],
            )
            session.execute(
                insert(CaseEvent),
                [
                    {
                        "case_id": n,
                        "at": now,
                        "actor_id": "U0DESK01",
                        "kind": "customer_update",
                        "new_value": rng.choice(UPDATES),
                        "detail": {},
                    }
                    for n in numbers
                    for _ in range(rng.randint(1, 2))
                ],
            )
            session.execute(
                insert(SlaClock),
                [
                    {
                        "case_id": n,
                        "metric": metric,
                        "calendar": "always",
                        "target_seconds": 86400,
                        "started_at": now,
                        "elapsed_seconds": 0.0,
                        "counting_since": now,
                        "paused_seconds": 0.0,
                        "warn_at": now + timedelta(hours=rng.randint(-2, 40)),
                        "due_at": now + timedelta(hours=rng.randint(1, 48)),
                    }
                    for n, row in zip(numbers, rows, strict=True)
                    if row["state"] != "closed"
                    for metric in ("first_response", "resolution")
                ],
            )


def _case_row(rng: random.Random, number: int, now: datetime) -> dict[str, object]:
    thing, trouble = rng.choice(THINGS), rng.choice(TROUBLES)
    summary = f"{thing.capitalize()} {trouble} {rng.choice(PLACES)}".strip()
    description = " ".join(rng.choice(FILLER) for _ in range(rng.randint(3, 8)))
    created = now - timedelta(minutes=number)
    open_case = rng.random() < 0.1
    return {
        "id": number,
        "number": 1000 + number,
        "version": 1,
        "state": rng.choice(("pending", "assigned", "in_progress")) if open_case else "closed",
        "summary": summary,
        "description": f"The {thing} {trouble}; {description}.",
        "requester_id": f"U0REQ{number % 5000:05d}" if number % 50 else "U0USER01",
        "reporter_id": "U0DESK01",
        "contact_phone": "",
        "contact_email": "",
        "contact_location": "",
        "contact_notes": "",
        "first_contact_at": created,
        "contact_channel": "slack_command",
        "service_key": rng.choice(("vpn", "email", "printers", "laptops", "identity")),
        "service_name": "",
        "support_status": "supported",
        "request_type": "incident",
        "category": "software",
        "impact_answers": {},
        "impact": "moderate",
        "urgency": "medium",
        "priority": rng.choice(("P2", "P3", "P3", "P4", "P5")),
        "is_major": False,
        "group_key": rng.choice(("network", "messaging", "end-user-computing", "identity")),
        "failure_looks_like": "",
        "success_looks_like": "",
        "steps_to_reproduce": "",
        "evidence": "",
        "recent_change": "unknown",
        "recent_change_details": "",
        "created_at": created,
        "updated_at": created,
    }
