"""WORK-3: the forward schedule of change; a case inside a planned window is told so at intake
and closes in one click with the code "planned outage"."""

from __future__ import annotations

import shutil
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from config.settings import SHIPPED_CONFIG
from tests.conftest import as_user, world_settings
from tests.helpers import cases, dm_texts, events, last_ephemeral, texts

LONDON = ZoneInfo("Europe/London")


def window(world: World, *, start_in: timedelta, length: str = "2h") -> str:
    start = (world.runtime.clock.now() + start_in).astimezone(LONDON)
    return f"{start:%Y-%m-%dT%H:%M} {length}"


def test_work_3_a_case_inside_a_planned_window_is_flagged_and_closes_in_one_click(
    world: World, dana: Driver
) -> None:
    dana.command(f"/change add email {window(world, start_in=-timedelta(minutes=5))} Mail patching")
    assert "Added *CHG-1* on `email`" in last_ephemeral(world, "U0DESK01")
    dana.command("/case new Outlook cannot connect service=email urgency=medium for=@alex")
    (flag,) = events(world, 1001, "planned_outage")
    assert (flag.new_value, flag.reason) == ("CHG-1", "Mail patching")
    assert "planned work on this service" in dm_texts(world, "U0USER01")[-1]
    card = texts(world, "C0MSGQ")[0]
    assert "inside planned change CHG-1" in card and "Close: planned outage" in card
    dana.press("Close: planned outage", channel="C0MSGQ")
    (case,) = cases(world)
    assert (case.state, case.closure_code) == ("closed", "planned_outage")
    assert case.closure and case.closure.follow_up == "CHG-1"


def test_work_3_outside_the_window_nothing_is_flagged(world: World, dana: Driver) -> None:
    dana.command(f"/change add email {window(world, start_in=timedelta(hours=3))} Mail patching")
    dana.command("/change list")
    assert "CHG-1" in last_ephemeral(world, "U0DESK01")
    dana.command("/case new Outlook cannot connect service=email urgency=medium for=@alex")
    assert not events(world, 1001, "planned_outage")
    assert "Close: planned outage" not in texts(world, "C0MSGQ")[0]
    with pytest.raises(ValueError, match="not recorded inside a planned change"):
        world.runtime.desk.closing.close_planned_outage(1001, actor="U0DESK01")
    assert cases(world)[0].state == "pending"


@pytest.mark.parametrize(
    ("who", "text", "problem"),
    [
        ("dana", "/change add email", "Something is missing"),
        ("dana", "/change add teleporter 2026-12-01T10:00 2h Beam", "not a service in the catalog"),
        ("dana", "/change add email someday 2h Patch", "can't read 'someday'"),
        ("dana", "/change add email 2026-12-01 10:00 2h", "Give the window a title"),
        ("dana", "/change add email 2026-02-30T10:00 2h Patch", "'2026-02-30' is not a date"),
        ("dana", "/change add email 25:00 2h Patch", "'25:00' is not a time of day"),
        ("dana", "/change add email 2026-12-01T10:00 2026-12-01T09:00 Patch", "end after it"),
        ("dana", "/change add email 2026-12-01T10:00 30d Patch", "at most 14 days"),
        ("dana", "/change add email 2020-01-01T10:00 2h Patch", "already over"),
        ("alex", "/change add email 2026-12-01T10:00 2h Patch", "You can't enter planned changes"),
    ],
)
def test_work_3_bad_windows_are_refused_and_nothing_is_added(
    world: World, who: str, text: str, problem: str
) -> None:
    person = as_user(world, who)
    person.command(text)
    assert problem in last_ephemeral(world, person.user)
    shipped = {w.ref for w in world.runtime.policy.planned_windows}
    assert {w.ref for w in world.runtime.desk.closing.planned_changes()} == shipped, "none added"


def refusal(text: str) -> str:
    """An error answer as the requester reads it: the notification text, then the block."""
    return f"{text}\n:warning: {text}"


def _added(world: World, dana: Driver, text: str) -> tuple[datetime, datetime]:
    dana.command(f"/change add email {text}")
    answer = last_ephemeral(world, "U0DESK01")
    assert answer.startswith("Added *CHG-"), answer
    ref = answer.split("*")[1]
    (window,) = [w for w in world.runtime.desk.closing.planned_changes() if w.ref == ref]
    return window.starts_at.astimezone(LONDON), window.ends_at.astimezone(LONDON)


def test_work_3_change_add_reads_the_same_date_formats_as_case_estimate(
    world: World, dana: Driver
) -> None:
    now = world.runtime.clock.now().replace(second=0, microsecond=0).astimezone(LONDON)
    day = (now + timedelta(days=2)).date()
    assert _added(world, dana, f"{day} 22:00 2h Mail patching") == (
        datetime.combine(day, time(22, 0), LONDON),
        datetime.combine(day, time(22, 0), LONDON) + timedelta(hours=2),
    ), "a date and a time with a space, as /case estimate takes them"
    assert _added(world, dana, f"{day}T23:30 {day + timedelta(days=1)} 01:15 Mail store swap") == (
        datetime.combine(day, time(23, 30), LONDON),
        datetime.combine(day + timedelta(days=1), time(1, 15), LONDON),
    )
    start, end = _added(world, dana, "30m 90m Certificate renewal")
    assert end - start == timedelta(minutes=90)
    assert abs(start - (world.runtime.clock.now() + timedelta(minutes=30))) < timedelta(seconds=5)
    start, end = _added(world, dana, f"{day} 22:00 01:30 Overnight relay upgrade")
    assert (start, end) == (
        datetime.combine(day, time(22, 0), LONDON),
        datetime.combine(day + timedelta(days=1), time(1, 30), LONDON),
    ), "an end time alone is the first such time after the start"


def test_work_3_change_remove_unflags_open_cases_on_their_timelines(
    world: World, dana: Driver
) -> None:
    dana.command(f"/change add email {window(world, start_in=-timedelta(minutes=5))} Mail patching")
    dana.command("/case new Outlook cannot connect service=email urgency=medium for=@alex")
    assert "Close: planned outage" in texts(world, "C0MSGQ")[0]
    sam = as_user(world, "sam")
    sam.command("/change remove CHG-1")
    assert last_ephemeral(world, "U0DESK02").startswith(
        "You can't remove CHG-1. It needs the person who entered CHG-1 (<@U0DESK01>); or the "
        "command center role ("
    )
    marco = as_user(world, "marco")  # the command center may remove anyone's window
    marco.command("/change remove CHG-1 Patching moved to next week")
    assert last_ephemeral(world, "U0CC02") == (
        "Removed *CHG-1* on `email`: Mail patching. No longer flagged as inside it: CASE-1001 "
        "(noted on their timelines; their one-click planned-outage close is gone)."
    )
    (removed,) = events(world, 1001, "planned_outage_removed")
    assert (removed.actor_id, removed.new_value, removed.reason) == (
        "U0CC02",
        "CHG-1",
        "Patching moved to next week",
    )
    assert "Close: planned outage" not in texts(world, "C0MSGQ")[0], "the card is edited"
    assert dm_texts(world, "U0DESK01")[-1] == (
        "CHG-1 removed: CASE-1001 is no longer a planned outage\n"
        ":calendar: <@U0CC02> removed *CHG-1* from the schedule: Patching moved to next week.\n"
        "*CASE-1001* (Outlook cannot connect) is no longer flagged as inside it, so it cannot be "
        "closed as a planned outage: work it like any other case."
    ), "the coordinator, Dana, is told"
    dana.command("/case history CASE-1001")
    assert "planned outage removed: CHG-1 — Patching moved to next week" in last_ephemeral(
        world, "U0DESK01"
    )
    assert "inside planned change" not in texts(world, "C0MSGQ")[0]
    with pytest.raises(ValueError, match="not recorded inside a planned change"):
        world.runtime.desk.closing.close_planned_outage(1001, actor="U0DESK01")
    assert {w.ref for w in world.runtime.desk.closing.planned_changes()} == {"CHG-2231"}
    dana.command("/change remove CHG-1")
    assert last_ephemeral(world, "U0DESK01") == refusal(
        "There is no CHG-1 on the schedule; see `/change list`."
    )
    dana.command("/change remove CHG-2231")
    assert last_ephemeral(world, "U0DESK01") == refusal(
        "CHG-2231 comes from the change system's export (config/changes.yml); remove it there."
    )
    dana.command("/change remove")
    assert "Name the window: `/change remove CHG-12 [why]`" in last_ephemeral(world, "U0DESK01")


def test_work_3_windows_from_the_changes_file_flag_cases_too(
    tmp_path: Path, database_url: str, clock: Clock
) -> None:
    folder = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    start = (clock.now() - timedelta(hours=1)).astimezone(LONDON)
    (folder / "changes.yml").write_text(
        "windows:\n"
        f"  - {{ref: CHG-7001, service: vpn, start: '{start:%Y-%m-%dT%H:%M}',\n"
        f"     end: '{start + timedelta(hours=4):%Y-%m-%dT%H:%M}', title: VPN concentrator swap}}\n"
    )
    settings = world_settings(database_url, config_dir=folder)
    world = build_world(settings, clock=clock)
    try:
        dana = Driver(world=world, user="U0DESK01")
        dana.command("/change list vpn")
        assert "*CHG-7001* `vpn`" in last_ephemeral(world, "U0DESK01")
        dana.command("/case new VPN will not connect service=vpn urgency=medium for=@alex")
        (flag,) = events(world, 1001, "planned_outage")
        assert (flag.new_value, flag.reason) == ("CHG-7001", "VPN concentrator swap")
    finally:
        world.close()
