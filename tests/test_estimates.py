"""WORK-1: the taker gives the requester an estimate; the promise is a clock that reminds the
coordinator when it comes due with no contact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import Clock
from bot.estimates import EstimateRefused, parse
from bot.moments import next_business_morning
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from config.policy import Policy
from tests.conftest import as_user, world_settings
from tests.helpers import cases, dm_texts, events, last_ephemeral, texts

VPN_P3 = "/case new VPN drops every hour service=vpn urgency=medium for=@alex"
KENJI = "U0NET01"
ALEX = "U0USER01"


def taken_by_kenji(world: World, dana: Driver) -> Driver:
    dana.command(VPN_P3)
    kenji = as_user(world, "kenji")
    kenji.press("Take it", channel="C0NETQ")
    return kenji


def close_to(found: datetime | None, expected: datetime) -> bool:
    return found is not None and abs((found - expected).total_seconds()) < 30


def test_work_1_taking_asks_for_an_estimate_and_the_requester_is_told(
    world: World, dana: Driver
) -> None:
    kenji = taken_by_kenji(world, dana)
    asked = last_ephemeral(world, KENJI)
    assert "You took CASE-1001" in asked and "Give <@U0USER01> an estimate" in asked
    for preset in ("15 min", "30 min", "1 h", "4 h", "Next business morning", "Other…"):
        assert preset in asked
    now = world.runtime.clock.now()
    kenji.press("30 min")
    (case,) = cases(world)
    assert case.estimate_kind == "contact"
    assert close_to(case.estimate_at, now + timedelta(minutes=30))
    assert "Promised on CASE-1001: next contact by" in last_ephemeral(world, KENJI)
    told = dm_texts(world, ALEX)[-1]
    assert "CASE-1001" in told and "will contact you again by" in told
    (row,) = events(world, 1001, "estimate")
    assert (row.actor_id, row.old_value) == (KENJI, None)
    assert row.new_value and row.new_value.startswith("next contact by")


def test_work_1_the_promise_reminds_the_coordinator_when_due_without_contact(
    world: World, dana: Driver
) -> None:
    kenji = taken_by_kenji(world, dana)
    kenji.press("15 min")
    kenji.pass_time(timedelta(minutes=14))
    assert not events(world, 1001, "promise_due")
    kenji.pass_time(timedelta(minutes=2))
    (due,) = events(world, 1001, "promise_due")
    assert due.new_value and due.new_value.startswith("next contact by")
    reminder = dm_texts(world, KENJI)[-1]
    assert "CASE-1001" in reminder and "you promised <@U0USER01>" in reminder
    assert "15 min" in reminder, "a new estimate is one tap away"


def test_work_1_a_contact_keeps_the_promise(world: World, dana: Driver) -> None:
    kenji = taken_by_kenji(world, dana)
    kenji.press("15 min")
    kenji.pass_time(timedelta(minutes=5))
    kenji.command("/case update CASE-1001 Rebuilt your VPN profile; please try again")
    kenji.pass_time(timedelta(minutes=20))
    assert not events(world, 1001, "promise_due")


def test_work_1_a_resolution_estimate_in_the_take_command(world: World, dana: Driver) -> None:
    dana.command(VPN_P3)
    kenji = as_user(world, "kenji")
    now = world.runtime.clock.now()
    kenji.command("/case take CASE-1001 resolution 4h")
    (case,) = cases(world)
    assert case.coordinator_id == KENJI and case.estimate_kind == "resolution"
    assert close_to(case.estimate_at, now + timedelta(hours=4))
    assert "Promised: resolution by" in last_ephemeral(world, KENJI)
    assert "expects your request to be resolved by" in dm_texts(world, ALEX)[-1]


def test_work_1_a_taker_who_gives_no_estimate_is_reminded(world: World, dana: Driver) -> None:
    kenji = taken_by_kenji(world, dana)
    kenji.pass_time(timedelta(minutes=11))
    assert len(events(world, 1001, "estimate_missing")) == 1
    assert "the requester has no estimate yet" in dm_texts(world, KENJI)[-1]


def test_work_1_an_estimate_given_in_time_stops_the_reminder(world: World, dana: Driver) -> None:
    kenji = taken_by_kenji(world, dana)
    kenji.command("/case estimate CASE-1001 1h")
    kenji.pass_time(timedelta(minutes=11))
    assert not events(world, 1001, "estimate_missing")


def test_work_1_a_bad_estimate_refuses_the_whole_take(world: World, dana: Driver) -> None:
    dana.command(VPN_P3)
    kenji = as_user(world, "kenji")
    kenji.command("/case take CASE-1001 next tuesday-ish")
    assert "I can't read 'next tuesday-ish' as a time" in last_ephemeral(world, KENJI)
    (case,) = cases(world)
    assert case.state == "pending" and case.coordinator_id == "U0DESK01"
    assert not events(world, 1001, "taken") and case.estimate_at is None


def test_work_1_only_the_coordinator_side_may_promise(world: World, dana: Driver) -> None:
    taken_by_kenji(world, dana)
    dana.command("/case estimate CASE-1001 30m")
    refusal = last_ephemeral(world, "U0DESK01")
    assert "the coordinator of CASE-1001 (<@U0NET01>)" in refusal
    assert "the supervisor of Network Operations (<@U0NET02>)" in refusal
    assert "the managers role (<@U0MGR01>)" in refusal
    assert cases(world)[0].estimate_at is None and not events(world, 1001, "estimate")


def test_work_1_the_other_modal_asks_for_the_missing_time(world: World, dana: Driver) -> None:
    kenji = taken_by_kenji(world, dana)
    kenji.press("Other…")
    kenji.fill("What are you promising?", "resolution")
    kenji.fill("When", "At the time below")
    answer = kenji.submit()
    assert answer is not None and "time" in answer["errors"]
    assert cases(world)[0].estimate_at is None
    kenji.fill("Time", "25:99")
    answer = kenji.submit()
    assert answer is not None and "not a time of day" in answer["errors"]["time"]
    kenji.fill("Time", "2099-01-01 09:00")
    answer = kenji.submit()
    assert answer is not None and "more than 14 days" in answer["errors"]["time"]
    assert cases(world)[0].estimate_at is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "No estimate given"),
        ("resolution", "Say when"),
        ("soonish", "can't read 'soonish'"),
        ("2026-02-30 10:00", "not a date"),
    ],
)
def test_work_1_unreadable_estimates_say_how_to_write_one(
    policy: Policy, text: str, problem: str
) -> None:
    now = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    with pytest.raises(EstimateRefused, match=problem) as refused:
        parse(text, now=now, calendar=policy.calendars["office-hours"])
    assert "15m, 30m, 1h, 4h (in the case's business hours), morning" in str(refused.value)


def test_work_1_next_business_morning_skips_the_weekend(policy: Policy) -> None:
    london = ZoneInfo("Europe/London")
    friday_evening = datetime(2026, 11, 27, 17, 0, tzinfo=london).astimezone(UTC)
    monday = next_business_morning(policy.calendars["office-hours"], friday_evening)
    assert monday == datetime(2026, 11, 30, 8, 0, tzinfo=london).astimezone(UTC)
    estimate = parse("morning", now=friday_evening, calendar=policy.calendars["office-hours"])
    assert (estimate.kind, estimate.at) == ("contact", monday)


def test_work_1_a_time_of_day_already_past_means_tomorrow(policy: Policy) -> None:
    london = ZoneInfo("Europe/London")
    now = datetime(2026, 11, 24, 15, 0, tzinfo=london).astimezone(UTC)
    at = parse("contact 09:15", now=now, calendar=policy.calendars["office-hours"]).at
    assert at == datetime(2026, 11, 25, 9, 15, tzinfo=london).astimezone(UTC)


def test_work_1_a_relative_estimate_counts_in_the_cases_business_hours(database_url: str) -> None:
    """Friday 17:30 in London (UTC in December): "4h" on an office-hours case is half an hour
    on Friday and three and a half on Monday, as its SLA clocks count; the DM, the card and the
    brief all show that moment."""
    friday = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)
    world = build_world(world_settings(database_url), clock=Clock(start=friday))
    try:
        Driver(world=world, user="U0DESK01").command(
            "/case new Laptop will not boot service=laptops urgency=high impact=minor for=@alex"
        )
        ravi = as_user(world, "ravi")
        ravi.command("/case take CASE-1001 4h")
        (case,) = cases(world)
        assert case.estimate_at is not None
        monday = datetime(2026, 12, 7, 11, 30, tzinfo=UTC)
        assert monday <= case.estimate_at <= monday + timedelta(seconds=30)
        stamp = f"<!date^{int(case.estimate_at.timestamp())}^"
        assert f"will contact you again by {stamp}" in dm_texts(world, ALEX)[-1]
        (card,) = texts(world, "C0EUCQ")
        assert f"Promised: next contact by {stamp}" in card
        assert f"Promised: next contact by {stamp}" in last_ephemeral(world, "U0EUC01")
    finally:
        world.close()


def test_work_1_a_relative_estimate_on_a_round_the_clock_case_is_wall_time(
    policy: Policy,
) -> None:
    friday_evening = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)
    always = parse("4h", now=friday_evening, calendar=policy.calendars["always"])
    assert always.at == friday_evening + timedelta(hours=4)
    office = parse("30m", now=friday_evening, calendar=policy.calendars["office-hours"])
    assert office.at == datetime(2026, 12, 4, 18, 0, tzinfo=UTC), "the last half hour of Friday"


def test_work_1_a_verify_question_counts_as_contact_for_the_promise(
    world: World, dana: Driver
) -> None:
    kenji = taken_by_kenji(world, dana)
    kenji.press("15 min")
    kenji.pass_time(timedelta(minutes=5))
    kenji.command("/case resolve CASE-1001 Rebuilt the VPN profile")
    kenji.command("/case verify CASE-1001")
    assert any("Is it working now?" in t for t in dm_texts(world, ALEX))
    (case,) = cases(world)
    asked = events(world, 1001, "verification_asked")[0].at
    assert case.last_contact_at == asked, "asking the requester is contact"
    kenji.pass_time(timedelta(minutes=20))
    assert not events(world, 1001, "promise_due"), "no reminder of a promise that was kept"
    assert not [t for t in dm_texts(world, KENJI) if "you promised" in t]


def test_work_1_a_promise_past_the_resolution_target_warns_the_promiser(
    world: World, dana: Driver
) -> None:
    dana.command(VPN_P3)  # round the clock (UTC): resolution due in 24 hours
    kenji = as_user(world, "kenji")
    later = world.runtime.clock.now() + timedelta(days=3)
    kenji.command(f"/case take CASE-1001 resolution {later:%Y-%m-%d %H:%M}")
    (case,) = cases(world)
    resolution = next(c.due_at for c in case.clocks if c.metric == "resolution")
    assert resolution is not None and case.estimate_at is not None
    assert case.estimate_at > resolution
    answer = last_ephemeral(world, KENJI)
    warning = (
        f":warning: That is after the resolution target, due <!date^{int(resolution.timestamp())}^"
    )
    assert warning in answer
    kenji.command("/case estimate CASE-1001 resolution 4h")
    assert ":warning:" not in last_ephemeral(world, KENJI), "4 hours is within the target"
