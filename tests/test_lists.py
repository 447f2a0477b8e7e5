"""QUAL-2's lists: `/case list` (filters, most urgent first, pages read afresh, Show and Take
it), `/case search` (typos allowed, ranked), a requester seeing only their own cases (PERM-2),
and the at-risk and breached lists (SLA-2). Every step is a signed request into the app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.clock import Clock
from bot.render.common import when
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from store.models import Case
from tests.conftest import as_user, world_settings
from tests.helpers import cases, last_ephemeral

LONDON = ZoneInfo("Europe/London")
SUNDAY_NOON = datetime(2026, 12, 6, 12, 0, tzinfo=LONDON)  # office hours resume Mon 08:00
DANA, RAVI, ALEX, JORDAN, MORGAN = "U0DESK01", "U0EUC01", "U0USER01", "U0USER02", "U0MGR01"
SETUP = (
    ("/case new Printer on floor 2 jams service=printers urgency=medium for=@alex", False),
    ("/case new VPN drops every hour service=vpn urgency=high impact=minor for=@jordan", False),
    (
        "/case new Password reset for kiosk service=identity urgency=low impact=minor for=@lee",
        False,
    ),
    (
        "/case new Payroll export fails service=payroll urgency=high impact=significant "
        "for=@jordan",
        True,
    ),
    ("/case new Laptop battery swollen service=laptops urgency=high impact=minor for=@lee", True),
)
ORDER = "Most urgent first: priority, then the soonest SLA clock, then case number."


@pytest.fixture
def desk(database_url: str) -> Iterator[World]:
    yield from five_cases(database_url)


def five_cases(database_url: str) -> Iterator[World]:
    """Five open cases recorded by Dana on a Sunday: CASE-1004 P2 (command center), three P3
    (VPN round the clock, printer and laptop in office hours), CASE-1003 P5 (identity)."""
    world = build_world(world_settings(database_url), clock=Clock(start=SUNDAY_NOON))
    dana = Driver(world=world, user=DANA)
    for line, held in SETUP:
        dana.command(line)
        if held:  # INTAKE-4: the requester has an open case; Dana records it all the same
            dana.press("Record a new case anyway")
    yield world
    world.close()


def shown(world: World, user: str) -> list[dict[str, Any]]:
    """The newest ephemeral's blocks."""
    return world.standin.ephemerals(user)[-1].blocks


def rows(world: World, user: str) -> list[str]:
    """The list's rows, as their first lines say them."""
    return [
        b["text"]["text"]
        for b in shown(world, user)
        if b["type"] == "section" and b["text"]["text"].startswith("*CASE-")
    ]


def refs(world: World, user: str) -> list[str]:
    return [row.split(" · ")[0].strip("*") for row in rows(world, user)]


def row_buttons(world: World, user: str) -> dict[str, list[str]]:
    return {
        b["block_id"].removeprefix("list_"): [e["text"]["text"] for e in b["elements"]]
        for b in shown(world, user)
        if b["type"] == "actions"
        and b["block_id"].startswith("list_")
        and b["block_id"] != "list_pages"
    }


def case_of(world: World, number: int) -> Case:
    return next(c for c in cases(world) if c.number == number)


def due(case: Case, metric: str) -> datetime:
    found = next(c.due_at for c in case.clocks if c.metric == metric)
    assert found is not None
    return found


def test_qual_2_list_all_is_most_urgent_first_with_who_and_the_clocks_due(desk: World) -> None:
    ravi = as_user(desk, "ravi")
    ravi.command("/case list all")
    assert refs(desk, RAVI) == ["CASE-1004", "CASE-1002", "CASE-1001", "CASE-1005", "CASE-1003"]
    printer, payroll = case_of(desk, 1001), case_of(desk, 1004)
    assert rows(desk, RAVI)[2] == (
        "*CASE-1001* · P3 Medium · Pending · untaken, in the queue of End-User Computing · "
        f"First response due {when(due(printer, 'first_response'))}\nPrinter on floor 2 jams"
    )
    assert rows(desk, RAVI)[0] == (
        "*CASE-1004* · :rotating_light: major · P2 High · Pending · untaken, in the queue of "
        "Operations Command Center · :hourglass_flowing_sand: First response due "
        f"{when(due(payroll, 'first_response'))}\nPayroll export fails"
    )
    assert row_buttons(desk, RAVI) == {
        "1004": ["Show"],
        "1002": ["Show"],
        "1001": ["Show", "Take it"],
        "1005": ["Show", "Take it"],
        "1003": ["Show"],
    }, "Take it only where Ravi may take (End-User Computing's queue)"
    blocks = shown(desk, RAVI)
    assert blocks[0]["text"]["text"] == "*All open cases* · 5 cases"
    assert blocks[-1]["elements"][0]["text"] == ORDER


def test_qual_2_take_it_and_show_from_the_list_use_the_cards_own_actions(desk: World) -> None:
    ravi = as_user(desk, "ravi")
    ravi.command("/case list unassigned service=laptops")
    assert refs(desk, RAVI) == ["CASE-1005"]
    ravi.press("Take it")
    taken = case_of(desk, 1005)
    assert (taken.state, taken.coordinator_id) == ("assigned", RAVI)
    ravi.command("/case list mine")
    assert refs(desk, RAVI) == ["CASE-1005"]
    assert rows(desk, RAVI)[0].startswith(f"*CASE-1005* · P3 Medium · Assigned · with <@{RAVI}>")
    assert row_buttons(desk, RAVI) == {"1005": ["Show"]}, "taken: no Take it"
    ravi.press("Show")
    assert "Laptop battery swollen" in last_ephemeral(desk, RAVI)
    assert "CASE-1005" in shown(desk, RAVI)[0]["text"]["text"]


def test_qual_2_pages_are_read_again_when_next_and_previous_are_pressed(desk: World) -> None:
    dana = Driver(world=desk, user=DANA)
    for n in range(5):  # P4, first response due Monday 16:00
        dana.command(f"/case new Monitor {n} is blank service=laptops urgency=low for=@lee")
        dana.press("Record a new case anyway")
    dana.command("/case list all")
    assert shown(desk, DANA)[0]["text"]["text"] == "*All open cases* · 10 cases · page 1 of 2"
    first = refs(desk, DANA)
    assert first == [f"CASE-{n}" for n in (1004, 1002, 1001, 1005, 1006, 1007, 1008, 1009)]
    assert [e["text"]["text"] for e in shown(desk, DANA)[-2]["elements"]] == ["Next"]
    sam = as_user(desk, "sam")  # meanwhile a new case: the next page reads it
    sam.command("/case new Dock is dead service=laptops urgency=low for=@alex")
    sam.press("Record a new case anyway")
    count = len(desk.standin.ephemerals(DANA))
    dana.press("Next")
    assert len(desk.standin.ephemerals(DANA)) == count, "the page replaces the list"
    assert shown(desk, DANA)[0]["text"]["text"] == "*All open cases* · 11 cases · page 2 of 2"
    assert refs(desk, DANA) == ["CASE-1010", "CASE-1011", "CASE-1003"]
    assert shown(desk, DANA)[-1]["elements"][0]["text"] == (
        f"{ORDER} · Each page is read afresh, so cases may move between pages as they change."
    )
    dana.press("Previous")
    assert refs(desk, DANA) == first


def test_qual_2_filters_by_group_waiting_service_and_priority(desk: World) -> None:
    morgan = as_user(desk, "morgan")
    morgan.command("/case list group network")
    assert refs(desk, MORGAN) == ["CASE-1002"]
    assert shown(desk, MORGAN)[0]["text"]["text"] == "*Open cases of Network Operations* · 1 case"
    morgan.command("/case list group End-User-Computing")
    assert refs(desk, MORGAN) == ["CASE-1001", "CASE-1005"]
    morgan.command("/case list all priority=p5")
    assert refs(desk, MORGAN) == ["CASE-1003"]
    morgan.command("/case list unassigned service=printers")
    assert refs(desk, MORGAN) == ["CASE-1001"]
    Driver(world=desk, user=DANA).command("/case wait CASE-1003 the phone model and OS version")
    morgan.command("/case list waiting")
    assert refs(desk, MORGAN) == ["CASE-1003"]
    assert rows(desk, MORGAN)[0].endswith(
        "Pending · untaken, in the queue of Identity and Access · clocks paused (waiting on "
        "the requester)\nPassword reset for kiosk"
    )
    morgan.command("/case list mine")
    assert refs(desk, MORGAN) == []
    assert "No open case matches `mine`." in last_ephemeral(desk, MORGAN)


def test_qual_2_bad_list_words_are_answered_with_what_is_allowed(desk: World) -> None:
    dana = Driver(world=desk, user=DANA)
    answers = {
        "/case list everything": "`everything` is not a list filter. Filters: `mine`",
        "/case list group": "Name the group: `/case list group network`. Groups: `service-desk`",
        "/case list group nets": "`nets` is not a group: `/case list group network`. Groups:",
        "/case list all service=fax": "`fax` is not a service in the catalog. Services: `email`",
        "/case list all priority=P9": "`P9` is not a priority. Priorities: `P1` (Critical)",
        "/case list all colour=red": "`colour=` is not a list option; use `service=…`",
        "/case list mine all": "Give one filter: `mine` and `all` were both given.",
    }
    for line, expected in answers.items():
        dana.command(line)
        assert expected in last_ephemeral(desk, DANA), line


def test_perm_2_a_requester_lists_only_their_own_cases_without_staff_buttons(
    desk: World,
) -> None:
    jordan = as_user(desk, "jordan")
    jordan.command("/case list")
    assert refs(desk, JORDAN) == ["CASE-1004", "CASE-1002"]
    assert shown(desk, JORDAN)[0]["text"]["text"] == "*Your open requests* · 2 cases"
    vpn = case_of(desk, 1002)
    assert rows(desk, JORDAN)[1] == (
        f"*CASE-1002* · Waiting for a technician · with <@{DANA}>\nVPN drops every hour\n"
        f"Next: A first response by {when(due(vpn, 'first_response'))}"
    )
    assert row_buttons(desk, JORDAN) == {"1004": ["Show"], "1002": ["Show"]}
    for other in ("all", "group network", "unassigned", "mine priority=P2"):
        jordan.command(f"/case list {other}")
        assert last_ephemeral(desk, JORDAN).endswith(
            "You can list the requests you made: `/case list` (or `/case list mine`). Other "
            "lists are for the desk's staff."
        ), other


def test_perm_2_a_requesters_search_finds_only_their_own_cases(desk: World) -> None:
    alex = as_user(desk, "alex")
    alex.command("/case search vpn")
    assert refs(desk, ALEX) == []
    assert "No case matches. Try fewer or other words." in last_ephemeral(desk, ALEX)
    alex.command("/case search pritner")
    assert refs(desk, ALEX) == ["CASE-1001"]
    assert row_buttons(desk, ALEX) == {"1001": ["Show"]}
    assert shown(desk, ALEX)[0]["text"]["text"] == (
        "*Cases matching “pritner” among your requests* · 1 case"
    )


def test_qual_2_search_allows_typos_ranks_and_reads_customer_facing_updates(
    desk: World,
) -> None:
    dana = Driver(world=desk, user=DANA)
    dana.command("/case tell CASE-1003 Your printer driver update is queued for tonight")
    dana.command("/case note CASE-1005 printer cable swapped (internal)")
    dana.command("/case search pritner")
    assert refs(desk, DANA) == ["CASE-1001", "CASE-1003"], "the summary first; not the note"
    notes = [
        b["text"]["text"].rsplit("\n", 1)[1]
        for b in shown(desk, DANA)
        if b["type"] == "section" and b["text"]["text"].startswith("*CASE-")
    ]
    assert notes == ["_matched in the summary_", "_matched in an update_"]
    dana.command("/case search batery swolen")
    assert refs(desk, DANA) == ["CASE-1005"]
    dana.command("/case search  !! ")
    assert "Say what to look for: `/case search printer jams`" in last_ephemeral(desk, DANA)


def test_sla_2_at_risk_and_breached_lists_use_the_app_homes_clocks(desk: World) -> None:
    morgan = as_user(desk, "morgan")
    morgan.command("/case list at-risk")  # Sunday 12:00: P2 due 12:30, the VPN due 13:00
    assert refs(desk, MORGAN) == ["CASE-1004", "CASE-1002"]
    morgan.command("/case list breached")
    assert refs(desk, MORGAN) == []
    assert "No open case matches `breached`." in last_ephemeral(desk, MORGAN)

    morgan.pass_time(datetime(2026, 12, 6, 13, 5, tzinfo=LONDON) - desk.runtime.clock.now())
    morgan.command("/case list breached")
    assert refs(desk, MORGAN) == ["CASE-1004", "CASE-1002"]
    vpn = case_of(desk, 1002)
    assert rows(desk, MORGAN)[1] == (
        "*CASE-1002* · P3 Medium · Pending · untaken, in the queue of Network Operations · "
        f":red_circle: First response missed, was due {when(due(vpn, 'first_response'))}\n"
        "VPN drops every hour"
    )
    morgan.command("/case list at-risk priority=P3")
    assert refs(desk, MORGAN) == ["CASE-1002"], "office-hours clocks are not due till Monday"

    morgan.pass_time(datetime(2026, 12, 7, 8, 5, tzinfo=LONDON) - desk.runtime.clock.now())
    morgan.command("/case list at-risk priority=P3")
    assert refs(desk, MORGAN) == ["CASE-1002", "CASE-1001", "CASE-1005"], "due within 1 h"
    printer_due = when(due(case_of(desk, 1001), "first_response"))
    assert rows(desk, MORGAN)[1].endswith(
        f":hourglass_flowing_sand: First response due {printer_due}\nPrinter on floor 2 jams"
    )


def test_qual_2_search_pages_are_read_again_with_next(desk: World) -> None:
    dana = Driver(world=desk, user=DANA)
    for n in range(8):
        dana.command(f"/case new Printer {n} out of toner service=printers urgency=low for=@lee")
        dana.press("Record a new case anyway")
    dana.command("/case search printr")
    assert shown(desk, DANA)[0]["text"]["text"] == (
        "*Cases matching “printr”* · 9 cases · page 1 of 2"
    )
    first = refs(desk, DANA)
    assert first == [f"CASE-{n}" for n in range(1013, 1005, -1)], "equal scores: newest first"
    dana.press("Next")
    assert shown(desk, DANA)[0]["text"]["text"] == (
        "*Cases matching “printr”* · 9 cases · page 2 of 2"
    )
    assert refs(desk, DANA) == ["CASE-1001"]
    dana.press("Previous")
    assert refs(desk, DANA) == first
