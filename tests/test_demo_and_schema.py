"""The product's face and its foundations: the demo plays every finished rule, the sandbox
works from a script on standard input, and the models match the migrations."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.sandbox.demo import transcript
from store.db import Database
from store.migrate import head_revisions, migrate
from store.models import Base

ROOT = Path(__file__).resolve().parents[1]


# The demo and the sandbox run on their own in-memory SQLite whatever CASEDESK_TEST_POSTGRES says,
# so the PostgreSQL pass would only play them again.
@pytest.mark.sqlite_pass_only
def test_the_demo_plays_intake_to_routing() -> None:
    text = transcript()
    for expected in (
        "Recorded *CASE-1001* · P1 Critical",  # INTAKE-1/3, CLASSIFY-3 through the form
        "#case-1001-email-is-down-for-everyone",  # ROUTE-1 case channel
        "Page: CASE-1001",  # ROUTE-1 page
        "Major incident CASE-1001",  # ROUTE-1 broadcast
        "You took CASE-1001",  # ROUTE-2 take
        "same symptom",  # INTAKE-4
        "Link to CASE-1001",
        "Complete the classification",  # INTAKE-1 free text
        "Knowledge base first",  # WORK-2 suggestions under the queue card
        "P4 Low",  # CLASSIFY-4 recompute
        "Opening a case from",  # INTAKE-1 message shortcut
        "Unsupported; work approved for this case",  # CLASSIFY-2
        "Major incident CASE-1002",  # CLASSIFY-4 raise to major starts ROUTE-1
        "`teleporter` is not a service",  # bad input
        "[ Page the group's on-call ]",  # SLA-2 warning of an unclaimed case
        ":hourglass_flowing_sand: *First response at risk*",  # SLA-2 on the queue card
        "I don't know `lsit`. Did you mean `/case list`?",  # INTAKE-1
        "`everything` is not a list filter. Filters: `mine`",  # QUAL-2 bad input
        "The call tree has no step 3.",  # ROUTE-5
        ":white_check_mark: Taken: @Priya Nair has it. (edited)",  # ROUTE-1 page in place
        "is part of a wider incident, CASE-1001",  # WORK-6 link
        "*CASE-1001 is resolved*, and with it your request CASE-1008",  # WORK-6 close
        "*PRB-1* · problem from *CASE-1001* (P1)",  # CLOSE-5 problem case
        "You approved PRB-1",  # QUAL-3 approval
        "[ Got it, thanks ]",  # WORK-5 information
        "*Authorisation:* :white_check_mark: authorised",  # WORK-5 fulfillment
        "*RFC-1* · request for change from *CASE-1011*",  # WORK-5 new service
        "is a bot, not a person",  # INTAKE-2: a requester is a person
        "Your request is recorded as *CASE-1012*",  # INTAKE-1 self-service form
        "Status: Waiting for a technician",  # PERM-2 the requester's own card
        "Is this about *CASE-1012*",  # BCAST-4 one open case, other words
        "withdrew *CASE-1012*",  # CLOSE-4 withdrawn
        "*Untaken cases in the queues* · 7 cases",  # QUAL-2 /case list
        "*Cases matching “dokcing station”* · 1 case",  # QUAL-2 search with a typo
        "*Your open requests* · 4 cases",  # PERM-2 a requester's own list
        ":bar_chart: *The whole desk*",  # QUAL-2 the desk lead's Home
        "Confirmed CASE-1013; the card no longer asks for validation.",  # INTAKE-5 confirm
        "validation: needed → confirmed",  # INTAKE-5 on the timeline
        "*Needs validation: Self-service form says P1.* Confirm or correct it before the "
        "case channel opens and the broadcast goes out.",  # INTAKE-5 held P1 pages first
        ":white_check_mark: *Confirmed* by @Priya Nair",  # INTAKE-5 the page redrawn
        ":rotating_light: *Major incident CASE-1014*",  # INTAKE-5 confirm starts ROUTE-1
        "POST /status/confirm -> 200: olu@partner.example gets an e-mail",  # BCAST-3 opt-in
        "  6 mails to olu@partner.example",  # BCAST-3: confirmation, CASE-1001 x4, CASE-1014
        "  Subject: CASE-1001 Resolved: Email is down for everyone",  # CLOSE-5
        "(monitoring got 202 (notification 1); opened CASE-1015)",  # INTAKE-1 from an alert
        "a repeat for CASE-1015: nothing new, nobody told",  # INTAKE-4 repeat
        "*Needs validation: Monitoring alert says P3, with 3 cases linked to it.*",  # INTAKE-5
        "Major incident CASE-1015",  # WORK-6: an alert storm becomes one major incident
        "A new alert joined the alert group of *CASE-1015*",  # INTAKE-4 a new alert
        "All 2 alerts of its group have resolved in monitoring.",  # CLOSE-1 asks
    ):
        assert expected in text, expected
    assert "Traceback" not in text and "\n! " not in text
    shown = [line for line in text.splitlines() if "> " not in line[:40]]  # not what people typed
    unreadable = re.compile(r"<@|<!date|&lt;|&gt;|&amp;|\d{4}-\d{2}-\d{2}T\d{2}:|\bU0[A-Z0-9]{4,}")
    assert [line for line in shown if unreadable.search(line)] == [], "ids, markup or ISO times"


@pytest.mark.sqlite_pass_only
def test_the_sandbox_reads_a_script_from_standard_input() -> None:
    steps = "/case new Printer jams service=printers\nread #euc-queue\nquit\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox"],
        input=steps,
        text=True,
        capture_output=True,
        timeout=120,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "Recorded *CASE-1001*" in result.stdout and "[ Take it ]" in result.stdout


def test_migrations_create_exactly_the_models(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'schema.db'}")
    before, after = migrate(db)
    assert before == () and after == head_revisions()
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert migrate(db) == (after, after), "migrating again changes nothing"


def test_migrations_create_exactly_the_models_on_the_test_database(database_url: str) -> None:
    """The same comparison on the suite's database: PostgreSQL when CASEDESK_TEST_POSTGRES is set
    (types, partial indexes and constraints differ by backend)."""
    db = Database(database_url)
    try:
        migrate(db)
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
    finally:
        db.dispose()
