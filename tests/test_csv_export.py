"""QUAL-2: `/case figures csv [period]` sends the cases and their timeline as two RFC 4180 CSV
files (UTF-8 with a byte-order mark) to the reader's DM, in the reader's scope."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.sandbox.driver import Driver
from bot.sandbox.standin import UPLOAD
from bot.sandbox.world import World, build_world
from tests.conftest import as_user, world_settings
from tests.helpers import P1_ANSWERS, StillClock, dm_texts, fill_and_submit

START = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # Europe/London is on UTC in winter
MORGAN = "U0MGR01"


@pytest.fixture
def still(database_url: str) -> Iterator[tuple[World, StillClock]]:
    clock = StillClock(START)
    world = build_world(world_settings(database_url), clock=clock)
    yield world, clock
    world.close()


def exported(world: World, user: str) -> dict[str, list[list[str]]]:
    """The CSV files shared to the person's DM, by file name, read as a spreadsheet would."""
    dm = world.standin.dm_channel_id(user)
    found = {}
    for upload in world.standin.files():
        if dm in upload.shares:
            data = world.standin.file_bytes(upload.id)
            assert data.startswith("\ufeff".encode()), "a byte-order mark for Excel"
            text = data.decode("utf-8-sig")
            found[upload.filename] = list(csv.reader(io.StringIO(text, newline="")))
    return found


CASE_ROW = {
    "case": "CASE-1001", "state": "assigned", "summary": "Laptop will not boot",
    "description": "", "requester_id": "U0USER01", "reporter_id": "U0DESK01",
    "contact_phone": "", "contact_email": "", "contact_location": "", "contact_notes": "",
    "first_contact_at": "2026-11-25 10:00:00", "contact_channel": "slack_command",
    "service_key": "laptops", "service_name": "", "support_status": "supported",
    "request_type": "unknown", "category": "unknown", "impact_answers": '{"stated": "minor"}',
    "impact": "minor", "urgency": "high", "priority": "P3", "is_major": "no",
    "group_key": "end-user-computing", "channel_id": "", "channel_name": "",
    "failure_looks_like": "", "success_looks_like": "", "steps_to_reproduce": "", "evidence": "",
    "recent_change": "unknown", "recent_change_details": "", "source_channel": "",
    "source_ts": "", "source_permalink": "", "closure_code": "", "waiting_on": "",
    "estimate_kind": "", "estimate_at": "", "estimate_given_at": "", "last_contact_at": "",
    "reassignments": "0", "escalations": "0", "transfers": "0", "reopen_count": "0",
    "resolution": "", "resolved_by": "", "verified_at": "", "closure": "", "closed_at": "",
    "first_contact_resolution": "", "parent_id": "", "request": "", "validation": "",
    "validated_at": "", "validated_by": "",
    "created_at": "2026-11-25 10:00:00", "updated_at": "2026-11-25 10:05:00",
    "coordinator_id": "U0EUC01",
    "first_response_state": "met", "first_response_target_seconds": "3600",
    "first_response_elapsed_business_seconds": "300",
    "first_response_started_at": "2026-11-25 10:00:00", "first_response_due_at": "",
    "first_response_met_at": "2026-11-25 10:05:00", "first_response_breached_at": "",
    "next_update_state": "running", "next_update_target_seconds": "14400",
    "next_update_elapsed_business_seconds": "0",
    "next_update_started_at": "2026-11-25 10:05:00",
    "next_update_due_at": "2026-11-25 14:05:00", "next_update_met_at": "",
    "next_update_breached_at": "",
    "resolution_state": "running", "resolution_target_seconds": "86400",
    "resolution_elapsed_business_seconds": "300",
    "resolution_started_at": "2026-11-25 10:00:00",
    "resolution_due_at": "2026-11-27 14:00:00", "resolution_met_at": "",
    "resolution_breached_at": "",
}  # fmt: skip
EVENT_ROWS = [
    ["case", "event_id", "at", "actor_id", "kind", "field", "old_value", "new_value", "reason",
     "detail"],
    ["CASE-1001", "1", "2026-11-25 10:00:00", "U0DESK01", "recorded", "", "", "CASE-1001",
     "contact by Slack command", '{"unknown_answers": 6}'],
    ["CASE-1001", "2", "2026-11-25 10:00:00", "", "classified", "", "", "P3", "",
     '{"impact": "minor", "urgency": "high", "support_status": "supported"}'],
    ["CASE-1001", "3", "2026-11-25 10:00:00", "U0DESK01", "routed", "group", "",
     "end-user-computing", "new case", "{}"],
    ["CASE-1001", "4", "2026-11-25 10:00:00", "U0DESK01", "state", "state", "new", "pending",
     "in the queue of End-User Computing", "{}"],
    ["CASE-1001", "5", "2026-11-25 10:00:00", "", "kb_suggested", "", "", "KB-13", "",
     '{"articles": ["KB-13"], "scores": [65.2]}'],
    ["CASE-1001", "6", "2026-11-25 10:05:00", "U0EUC01", "coordinator", "coordinator",
     "U0DESK01", "U0EUC01", "taken from the End-User Computing queue", "{}"],
    ["CASE-1001", "7", "2026-11-25 10:05:00", "U0EUC01", "state", "state", "pending",
     "assigned", "taken from the queue", "{}"],
    ["CASE-1001", "8", "2026-11-25 10:05:00", "U0EUC01", "taken", "", "", "U0EUC01",
     "End-User Computing", "{}"],
    ["CASE-1001", "9", "2026-11-25 11:05:00", "", "estimate_missing", "", "", "", "",
     '{"late": true}'],
]  # fmt: skip


def test_qual_2_csv_export_sends_exact_case_and_timeline_rows_to_the_managers_dm(
    still: tuple[World, StillClock],
) -> None:
    world, clock = still
    dana = Driver(world=world, user="U0DESK01")
    dana.command(
        "/case new Laptop will not boot service=laptops urgency=high impact=minor for=@alex"
    )
    clock.advance(timedelta(minutes=5))
    as_user(world, "ravi").command("/case take CASE-1001")
    clock.advance(timedelta(hours=1))
    answer = as_user(world, "morgan").command("/case figures csv 7d")
    assert answer is not None and answer["text"] == (
        "Preparing your CSV export of *last 7 days* (every group): two files, the cases and "
        "their timeline events, will arrive in your DM with me in a moment."
    )
    dana.settle()
    assert dm_texts(world, MORGAN)[-1] == (
        "Your export of *last 7 days* (every group): 1 case and 9 timeline events, one row each. "
        "Times are desk time (Europe/London); the files are UTF-8 CSV and open in any spreadsheet."
    )
    files = exported(world, MORGAN)
    assert sorted(files) == ["casedesk-7d-cases.csv", "casedesk-7d-timeline.csv"]
    header, *rows = files["casedesk-7d-cases.csv"]
    assert header == list(CASE_ROW)
    assert [dict(zip(header, row, strict=True)) for row in rows] == [CASE_ROW]
    assert files["casedesk-7d-timeline.csv"] == EVENT_ROWS
    uploads = [c.method for c in world.standin.calls if c.method.startswith("files.")
               or c.method == UPLOAD]  # fmt: skip
    assert uploads == ["files.getUploadURLExternal", "files.getUploadURLExternal", UPLOAD, UPLOAD,
                       "files.completeUploadExternal"]  # fmt: skip


AWKWARD_SUMMARY = '=HYPERLINK("http://evil.example","open me"), said "Zoë"'
AWKWARD_DESCRIPTION = '+cmd|" /C calc"!A0\r\nsecond line, with a comma\nthird: naïve café — 東京'


def test_qual_2_csv_export_keeps_awkward_text_and_neutralises_formulas(
    still: tuple[World, StillClock],
) -> None:
    world, clock = still
    dana = Driver(world=world, user="U0DESK01")
    dana.command("/case")
    fill_and_submit(
        dana,
        {**P1_ANSWERS, "Summary": AWKWARD_SUMMARY, "What can't you do?": AWKWARD_DESCRIPTION},
    )
    clock.advance(timedelta(minutes=1))
    as_user(world, "morgan").command("/case figures csv 7d")
    dana.settle()
    files = exported(world, MORGAN)
    header, row = files["casedesk-7d-cases.csv"]
    cells = dict(zip(header, row, strict=True))
    assert cells["summary"] == "'" + AWKWARD_SUMMARY
    assert cells["description"] == "'" + AWKWARD_DESCRIPTION  # its own line breaks kept
    dm = world.standin.dm_channel_id(MORGAN)
    (upload,) = [f for f in world.standin.files() if f.filename.endswith("-cases.csv")
                 and dm in f.shares]  # fmt: skip
    raw = world.standin.file_bytes(upload.id).decode("utf-8-sig")
    assert raw.startswith("case,state,summary,description,")
    assert '"\'=HYPERLINK(""http://evil.example"",""open me""), said ""Zoë"""' in raw
    # two records end in CRLF; the description's own CRLF and LF sit inside its quotes
    assert raw.count("\r\n") == 3 and raw.endswith("\r\n")
    assert '"\'+cmd|"" /C calc""!A0\r\nsecond line, with a comma\nthird' in raw
    timeline = files["casedesk-7d-timeline.csv"]
    recorded = next(r for r in timeline if r[4] == "recorded")
    assert recorded[:5] == ["CASE-1001", "1", "2026-11-25 10:00:00", "U0DESK01", "recorded"]


@pytest.mark.parametrize(
    ("who", "words", "answer"),
    [
        pytest.param(
            "alex", "/case figures csv 7d",
            "You can't read the desk's figures. They are for managers (<@U0MGR01>) and for the "
            "supervisors and members of provider groups, each for their own groups.",
            id="a requester",
        ),
        pytest.param(
            "morgan", "/case figures csv fortnight",
            "I can't read the period `fortnight`. Use `7d` (the default), `30d` (any `Nd`, 1 to "
            "366), `today`, `this-week`, `last-week`, `this-month`, `last-month` or a range of "
            "days `2026-11-01..2026-11-30`.",
            id="an unknown period",
        ),
    ],
)  # fmt: skip
def test_qual_2_csv_export_refuses_clearly_and_sends_nothing(
    still: tuple[World, StillClock], who: str, words: str, answer: str
) -> None:
    world, _ = still
    reply = as_user(world, who).command(words)
    assert reply is not None and reply["text"].startswith(answer)
    Driver(world=world, user="U0DESK01").settle()
    assert world.standin.files() == []


def test_qual_2_a_group_member_exports_only_their_groups_cases(
    still: tuple[World, StillClock],
) -> None:
    world, clock = still
    dana = Driver(world=world, user="U0DESK01")
    dana.command(
        "/case new Laptop will not boot service=laptops urgency=high impact=minor for=@alex"
    )
    dana.command("/case new VPN drops every hour service=vpn urgency=medium for=@jordan")
    clock.advance(timedelta(minutes=1))
    answer = as_user(world, "ravi").command("/case figures csv 7d")
    assert answer is not None and "(End-User Computing)" in answer["text"]
    dana.settle()
    header, *rows = exported(world, "U0EUC01")["casedesk-7d-cases.csv"]
    assert [(r[0], r[header.index("group_key")]) for r in rows] == [
        ("CASE-1001", "end-user-computing")
    ]
