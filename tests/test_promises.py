"""INTAKE-3: the first-response time promised to the requester (DM), shown on the queue card, the
brief and the reporter's answer is the due time of the case's SLA clock, the one `/case sla`
shows: counted in business hours over nights, weekends and holidays, for every priority.

Each scenario starts the sandbox at its own moment. The expected due times are worked out by hand
from config/sla.yml and config/calendars.yml (office hours Mon-Fri 08:00-18:00 Europe/London,
which is UTC in December; 25 and 28 December are holidays; P1 and P2 count around the clock).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import Clock
from bot.render.common import plain_when
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from store.models import Case
from tests.conftest import world_settings
from tests.helpers import cases, dm_texts, last_ephemeral, texts

JORDAN = "U0USER02"
DANA = "U0DESK01"
LAPTOP = "/case new Laptop hinge cracked service=laptops for=@jordan"
LEVELS = {
    "P1": "impact=extensive urgency=high",
    "P2": "impact=extensive urgency=medium",
    "P3": "impact=minor urgency=high",
    "P4": "impact=minor urgency=medium",
    "P5": "impact=minor urgency=low",
}


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


SCENARIOS = [
    # (what, starts, priority, first response due)
    ("the issue's Sunday report", utc(6, 5, 33), "P5", utc(9, 12)),
    ("a weekend", utc(5, 14), "P3", utc(7, 9)),
    ("a holiday", utc(24, 17, 30), "P3", utc(29, 8, 30)),
    ("a holiday, a weekend and a holiday", utc(24, 17, 30), "P4", utc(29, 15, 30)),
    ("after hours", utc(1, 19), "P4", utc(2, 16)),
    ("office hours, P1 (around the clock)", utc(4, 16), "P1", utc(4, 16, 15)),
    ("office hours, P2 (around the clock)", utc(4, 16), "P2", utc(4, 16, 30)),
    ("office hours, P3", utc(4, 16), "P3", utc(4, 17)),
    ("office hours, P4 over the weekend", utc(4, 16), "P4", utc(7, 14)),
    ("office hours, P5 over the weekend", utc(4, 16), "P5", utc(9, 10)),
    ("after hours, P1 (around the clock)", utc(5, 23, 50), "P1", utc(6, 0, 5)),
]


@pytest.fixture
def worlds(database_url: str) -> Iterator[list[World]]:
    """Worlds built by the test, each at its own moment; closed at the end."""
    built: list[World] = []
    yield built
    for world in built:
        world.close()


def at_moment(worlds: list[World], database_url: str, start: datetime) -> World:
    world = build_world(world_settings(database_url), clock=Clock(start=start))
    worlds.append(world)
    return world


def token(moment: datetime) -> str:
    """The start of Slack's date token for this moment, as `when()` writes it."""
    return f"<!date^{int(moment.timestamp())}^"


def first_response(case: Case) -> datetime:
    due = next(c.due_at for c in case.clocks if c.metric == "first_response")
    assert due is not None, "the first-response clock runs"
    return due


def close_to(found: datetime, expected: datetime) -> bool:
    """Equal but for the real seconds the test takes while the sandbox clock runs on (a start
    outside office hours is due exactly, counted from the next opening)."""
    return expected <= found <= expected + timedelta(seconds=30)


@pytest.mark.parametrize(
    ("what", "start", "priority", "expected"), SCENARIOS, ids=[s[0] for s in SCENARIOS]
)
def test_intake_3_every_promise_is_the_first_response_clocks_due_time(
    worlds: list[World],
    database_url: str,
    what: str,
    start: datetime,
    priority: str,
    expected: datetime,
) -> None:
    world = at_moment(worlds, database_url, start)
    dana = Driver(world=world, user=DANA)
    dana.command(f"{LAPTOP} {LEVELS[priority]}")
    answer = last_ephemeral(world, DANA)
    (case,) = cases(world)
    assert case.priority == priority
    due = first_response(case)
    assert close_to(due, expected), f"{what}: due {due:%a %d %H:%M}, not {expected:%a %d %H:%M}"
    closed = start.hour >= 18 or start.hour < 8 or start.weekday() >= 5
    if closed and priority not in ("P1", "P2"):
        assert due == expected, "counted exactly from the next opening"

    dana.settle()
    (ack,) = [t for t in dm_texts(world, JORDAN) if "recorded as" in t]
    assert f"We will respond by {token(due)}" in ack, "INTAKE-3: the requester's DM"
    assert f"we will respond by {plain_when(due)}" in ack, "and its notification text"
    assert f"first response due {token(due)}" in answer, "the reporter's answer"

    queue = "C0CMDQ" if priority in ("P1", "P2") else "C0EUCQ"
    (card,) = texts(world, queue)
    assert f"*First response due*\n{token(due)}" in card, "ROUTE-2: the queue card"
    if priority in ("P1", "P2"):
        (brief,) = [t for t in texts(world, case.channel_id or "") if "Handoff brief" in t]
        assert f"*First response due*\n{token(due)}" in brief, "ROUTE-1: the brief"

    dana.command(f"/case sla {case.ref}")
    shown = last_ephemeral(world, DANA)
    assert f"due {token(due)}" in shown, "the very time /case sla shows"


def test_intake_3_a_new_priority_tells_the_requester_the_clocks_new_due_time(
    worlds: list[World], database_url: str
) -> None:
    world = at_moment(worlds, database_url, utc(1, 19))  # Tuesday evening: after hours
    dana = Driver(world=world, user=DANA)
    dana.command(f"{LAPTOP} {LEVELS['P3']}")
    assert first_response(cases(world)[0]) == utc(2, 9)
    dana.press("Reclassify", channel="C0EUCQ")
    dana.fill("How badly", "Work is slowed; a workaround exists")
    dana.fill("Reason", "Jordan can use the docking station meanwhile")
    dana.submit()
    (case,) = cases(world)
    due = first_response(case)
    assert (case.priority, due) == ("P4", utc(2, 16)), "8 business hours from Wednesday 08:00"
    told = dm_texts(world, JORDAN)[-1]
    assert f"changed from P3 to *P4 Low*. We will respond by {token(due)}" in told
    (card,) = texts(world, "C0EUCQ")
    assert f"*First response due*\n{token(due)}" in card, "the card edited in place"


def test_intake_3_once_the_case_is_taken_the_card_says_when_it_was_met(
    worlds: list[World], database_url: str
) -> None:
    world = at_moment(worlds, database_url, utc(6, 5, 33))
    Driver(world=world, user=DANA).command(f"{LAPTOP} {LEVELS['P5']}")
    ravi = Driver(world=world, user=DANA)
    ravi.act_as("ravi")
    ravi.command("/case take CASE-1001 morning")
    (case,) = cases(world)
    met = next(c.met_at for c in case.clocks if c.metric == "first_response")
    assert met is not None
    (card,) = texts(world, "C0EUCQ")
    assert f"*First response*\nMet {token(met)}" in card
    assert "First response due" not in card


def test_intake_3_a_case_resolved_before_any_first_response_says_its_clock_stopped(
    worlds: list[World], database_url: str
) -> None:
    world = at_moment(worlds, database_url, utc(1, 10))
    dana = Driver(world=world, user=DANA)
    dana.command(f"{LAPTOP} {LEVELS['P4']}")
    dana.command("/case resolve CASE-1001 Tightened the hinge screws with Jordan at the desk")
    dana.command("/case verify CASE-1001")
    (case,) = cases(world)
    assert case.state == "resolved"
    assert next(c.due_at for c in case.clocks if c.metric == "first_response") is None
    (card,) = texts(world, "C0EUCQ")
    assert "*First response*\nStopped: the case is resolved" in card
    assert "First response due" not in card
