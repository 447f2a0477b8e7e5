"""SLA-1..4: targets in business time, warnings at 80 %, breach alerts, status-update cadence,
and timers that survive restarts and fire once. Time is moved by the tests, never slept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.business_time import add_business, business_seconds, is_open
from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from config.policy import Policy
from tests.conftest import as_user, world_settings
from tests.helpers import cases, dm_texts, events, last_ephemeral, texts

LONDON = ZoneInfo("Europe/London")
# Thursday 24 December 2026, 17:30 in London: 30 minutes of office hours left before a
# holiday (Fri 25), a weekend and another holiday (Mon 28).
CHRISTMAS_EVE = datetime(2026, 12, 24, 17, 30, tzinfo=LONDON)
LAPTOP_P3 = "/case new Laptop will not boot service=laptops urgency=high impact=minor for=@alex"


def at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def office(database_url: str) -> Iterator[World]:
    """A sandbox world whose clock starts on Christmas Eve at 17:30 London time."""
    settings = world_settings(database_url)
    world = build_world(settings, clock=Clock(start=CHRISTMAS_EVE))
    yield world
    world.close()


def move_to(world: World, moment: datetime) -> None:
    """Time passes to `moment` as for a bot that runs all along."""
    Driver(world=world, user="U0DESK01").pass_time(moment - world.runtime.clock.now())


def near(found: datetime | None, expected: datetime, *, seconds: float = 60) -> bool:
    """Equal but for the real seconds the test itself takes (rate-limited steps wait)."""
    return found is not None and abs((found - expected).total_seconds()) <= seconds


# -- SLA-1: business time ------------------------------------------------------------------------
def test_sla_1_business_time_skips_nights_weekends_and_holidays(policy: Policy) -> None:
    office = policy.calendars["office-hours"]
    start = CHRISTMAS_EVE.astimezone(UTC)
    due = add_business(office, start, 60 * 60)
    assert due == at(29, 8, 30).astimezone(UTC)  # 30 min Thu, then Tue 29 08:00 + 30 min
    assert business_seconds(office, start, due) == 3600
    assert not is_open(office, at(25, 12).astimezone(UTC))
    assert is_open(office, at(29, 9).astimezone(UTC))
    always = policy.calendars["always"]
    assert add_business(always, start, 3600) == start + timedelta(hours=1)


def test_sla_1_targets_come_from_the_priority_and_the_service(policy: Policy) -> None:
    assert policy.sla_for("P3", "vpn").first_response == timedelta(hours=1)
    assert policy.sla_for("P4", "identity").first_response == timedelta(minutes=30)
    assert policy.sla_for("P2", "payroll").resolution == timedelta(hours=6)
    assert (
        policy.calendar_for(
            priority="P1", service_key="laptops", group_key="end-user-computing"
        ).key
        == "always"
    )
    assert (
        policy.calendar_for(priority="P3", service_key="payroll", group_key="payroll-apps").key
        == "payroll-window"
    )
    assert policy.calendar_for(priority="P3", service_key="vpn", group_key="network").key == (
        "always"
    )


def test_sla_1_clocks_start_at_intake_and_show_with_case_sla(office: World) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.command(LAPTOP_P3)
    (case,) = cases(office)
    clocks = {c.metric: c for c in case.clocks}
    assert set(clocks) == {"first_response", "resolution"}
    assert near(clocks["first_response"].due_at, at(29, 8, 30))
    assert clocks["first_response"].calendar == "office-hours"
    dana.command("/case sla CASE-1001")
    shown = last_ephemeral(office, "U0DESK01")
    assert "First response" in shown and "target 1 h 00 min" in shown and "Resolution" in shown
    assert "Business hours: office-hours" in shown


def test_sla_1_waiting_on_the_requester_pauses_the_clocks(office: World) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.command(LAPTOP_P3)
    move_to(office, at(29, 8, 10))  # 40 of 60 minutes used
    dana.command("/case wait CASE-1001 Send us the error shown on the screen")
    assert any("error shown on the screen" in t for t in dm_texts(office, "U0USER01"))
    move_to(office, at(29, 11))
    (case,) = cases(office)
    first = next(c for c in case.clocks if c.metric == "first_response")
    assert first.paused_since is not None and first.due_at is None
    assert not events(office, 1001, "sla_warning"), "no warning while paused"
    dana.command("/case resume CASE-1001")
    (case,) = cases(office)
    first = next(c for c in case.clocks if c.metric == "first_response")
    assert near(first.due_at, at(29, 11, 20)), "20 minutes were left"
    assert first.paused_seconds == pytest.approx(2 * 3600 + 50 * 60, abs=60)
    dana.command("/case sla CASE-1001")
    assert re.search(r"paused 2 h (49|50|51) min", last_ephemeral(office, "U0DESK01"))


# -- SLA-2: warning and breach --------------------------------------------------------------------
def test_sla_2_warning_at_80_percent_in_business_time(office: World) -> None:
    Driver(world=office, user="U0DESK01").command(LAPTOP_P3)
    move_to(office, at(29, 8, 17))  # 47 of 60 business minutes
    assert not events(office, 1001, "sla_warning")
    move_to(office, at(29, 8, 19))  # 49 minutes: past 80 % (48)
    (warning,) = events(office, 1001, "sla_warning")
    assert warning.field == "first_response"
    alert = [t for t in dm_texts(office, "U0DESK01") if "is due" in t]
    assert len(alert) == 1 and "11 min left" in alert[0] and "Post an update" in alert[0]
    move_to(office, at(29, 8, 25))
    assert len(events(office, 1001, "sla_warning")) == 1, "once per clock and threshold"


def test_sla_2_an_away_coordinator_means_the_on_call_is_warned(office: World) -> None:
    Driver(world=office, user="U0DESK01").command(LAPTOP_P3)
    office.standin.set_presence("U0DESK01", "away")
    move_to(office, at(29, 8, 19))
    assert not any("is due" in t for t in dm_texts(office, "U0DESK01"))
    assert any("is due" in t for t in dm_texts(office, "U0EUC01")), "the group's on-call"


def test_sla_2_breach_alerts_management_business_and_requester(office: World) -> None:
    Driver(world=office, user="U0DESK01").command(
        "/case new Payroll export fails service=payroll urgency=low impact=minor for=@jordan"
    )
    (case,) = cases(office)
    due = next(c for c in case.clocks if c.metric == "first_response").due_at
    assert due is not None
    move_to(office, due + timedelta(minutes=1))
    (breach,) = events(office, 1001, "sla_breach")
    assert breach.field == "first_response"
    (alert,) = texts(office, "C0MGMT")
    for expected in (
        "First response target missed: CASE-1001",
        "Payroll application",
        "Late by",
        "Not yet taken by Payroll Application Support",
    ):
        assert expected in alert
    assert any("target missed" in t for t in dm_texts(office, "U0USER01")), "business contact"
    assert any("target missed" in t for t in dm_texts(office, "U0MGR01")), "breach contact"
    assert any("management is now involved" in t for t in dm_texts(office, "U0USER02"))
    move_to(office, due + timedelta(hours=1))
    assert len(events(office, 1001, "sla_breach")) == 1


def test_sla_2_taking_the_case_meets_first_response_and_stops_its_alerts(office: World) -> None:
    Driver(world=office, user="U0DESK01").command(LAPTOP_P3)
    as_user(office, "ravi").press("Take it", channel="C0EUCQ")
    move_to(office, at(29, 9))
    assert not events(office, 1001, "sla_warning") and not events(office, 1001, "sla_breach")
    (case,) = cases(office)
    clocks = {c.metric: c for c in case.clocks}
    assert clocks["first_response"].met_at is not None
    assert clocks["next_update"].met_at is None, "the next-update clock now runs"


def test_sla_2_a_priority_raise_keeps_the_time_already_spent(office: World) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.command(LAPTOP_P3)
    move_to(office, at(29, 8, 10))  # 40 minutes spent of P3's 60
    dana.press("Reclassify", channel="C0EUCQ")
    dana.fill("How many people", "A department or a whole site")
    dana.fill("Reason", "The whole finance floor has the same laptops failing")
    dana.submit()
    (case,) = cases(office)
    assert case.priority == "P2" and case.is_major
    first = next(c for c in case.clocks if c.metric == "first_response")
    assert first.calendar == "always" and first.target_seconds == 30 * 60
    assert first.elapsed_seconds == pytest.approx(40 * 60, abs=60)
    assert near(first.due_at, at(29, 8, 10)), "already over the new target"
    assert events(office, 1001, "sla_breach"), "so it breaches at once"


# -- SLA-3: status updates of major incidents ----------------------------------------------------
def test_sla_3_major_incidents_remind_status_updates_until_an_update_resets(
    office: World,
) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.command("/case new Email down for everyone service=email impact=extensive urgency=high")
    as_user(office, "priya").press("Take it", channel="C0CMDQ")
    start = office.runtime.clock.now()
    move_to(office, start + timedelta(minutes=29))
    assert not [t for t in dm_texts(office, "U0CC01") if "Status update due" in t]
    move_to(office, start + timedelta(minutes=31))
    assert len([t for t in dm_texts(office, "U0CC01") if "Status update due" in t]) == 1
    priya = as_user(office, "priya")
    priya.command("/case update CASE-1001 Failover to the second mail cluster is under way")
    (case,) = cases(office)
    for channel in (case.channel_id or "", "C0MAJOR"):
        assert any("Failover to the second mail cluster" in t for t in texts(office, channel))
    assert any("Failover" in t for t in dm_texts(office, "U0USER01") + dm_texts(office, "U0DESK01"))
    move_to(office, start + timedelta(minutes=55))
    assert len([t for t in dm_texts(office, "U0CC01") if "Status update due" in t]) == 1
    move_to(office, start + timedelta(minutes=62))
    assert len([t for t in dm_texts(office, "U0CC01") if "Status update due" in t]) == 2


def test_sla_3_the_update_button_opens_a_form_that_posts(office: World) -> None:
    Driver(world=office, user="U0DESK01").command(
        "/case new Email down for everyone service=email impact=extensive urgency=high"
    )
    priya = as_user(office, "priya")
    priya.press("Take it", channel="C0CMDQ")
    move_to(office, office.runtime.clock.now() + timedelta(minutes=31))
    priya.press("Post an update")
    priya.fill("What changed", "Mail flows again for 60 % of users")
    priya.submit()
    assert any("60 % of users" in t for t in texts(office, "C0MAJOR"))


def test_sla_3_reminders_stop_when_the_case_is_no_longer_major(office: World) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.command("/case new Email down for everyone service=email impact=extensive urgency=high")
    dana.press("Reclassify", channel="C0CMDQ")
    dana.fill("How many people", "Only the requester")
    dana.fill("Who is affected", "Internal staff only")
    dana.fill("Is a business-critical", "No")
    dana.fill("Reason", "Only Alex's mailbox is affected")
    dana.submit()
    move_to(office, office.runtime.clock.now() + timedelta(hours=3))
    assert not [t for t in dm_texts(office, "U0DESK01") if "Status update due" in t]


# -- SLA-4: durable, once ------------------------------------------------------------------------
def test_sla_4_reminders_due_while_stopped_fire_once_after_a_restart(database_url: str) -> None:
    settings = world_settings(database_url)
    clock = Clock(start=CHRISTMAS_EVE)
    first = build_world(settings, clock=clock)
    Driver(world=first, user="U0DESK01").command(LAPTOP_P3)
    first.close()  # the bot stops before anything falls due
    clock.advance(at(29, 12) - clock.now())  # and comes back long after the breach
    second = build_world(settings, clock=clock)
    try:
        result = second.runtime.sweeper.sweep()
        assert result.fired >= 2 and result.late >= 2
        assert second.runtime.sweeper.sweep().fired == 0
        Driver(world=second, user="U0DESK01").settle()
        warnings = events(second, 1001, "sla_warning")
        breaches = [e for e in events(second, 1001, "sla_breach") if e.field == "first_response"]
        assert len(warnings) == 1 and len(breaches) == 1
        assert breaches[0].detail["late"] is True
        assert any("sent late" in t for t in texts(second, "C0MGMT"))
    finally:
        second.close()


def test_sla_4_slack_failing_while_reminders_fall_due_delivers_each_once(office: World) -> None:
    Driver(world=office, user="U0DESK01").command(LAPTOP_P3)
    office.standin.fail("chat.postMessage", status=500, times=3)
    office.standin.fail("chat.postMessage", status=429, retry_after=20, times=2)
    move_to(office, at(29, 8, 31))  # warning and breach both due
    for _ in range(10):
        office.runtime.clock.advance(timedelta(minutes=1))
        Driver(world=office, user="U0DESK01").settle()
    assert len([t for t in dm_texts(office, "U0DESK01") if "is due" in t]) == 1
    assert len(texts(office, "C0MGMT")) == 1
    assert len([t for t in dm_texts(office, "U0USER01") if "management" in t]) == 1


def test_sla_4_a_broken_timer_is_set_aside_and_the_others_still_fire(office: World) -> None:
    Driver(world=office, user="U0DESK01").command(LAPTOP_P3)
    runtime = office.runtime
    with runtime.db.transaction() as session:
        from store.models import Timer

        session.add(
            Timer(
                key="bogus",
                kind="no-such-kind",
                due_at=runtime.clock.now(),
                payload={},
                created_at=runtime.clock.now(),
            )
        )
    move_to(office, at(29, 8, 31))
    with runtime.db.transaction() as session:
        broken = session.query(Timer).filter_by(key="bogus").one()
        assert broken.fired_at is not None and "no handler" in (broken.error or "")
    assert events(office, 1001, "sla_warning") and events(office, 1001, "sla_breach")


def test_sla_2_the_app_home_lists_cases_at_risk_soonest_first(office: World) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.command(LAPTOP_P3)
    dana.command("/case new Payroll export fails service=payroll urgency=low for=@jordan")
    dana.open_home()
    home = str(office.standin.home_view("U0DESK01"))
    assert "Your cases at risk, soonest first" in home
    assert home.index("CASE-1002") < home.index("CASE-1001"), "payroll's clock is due first"


def test_sla_2_a_warning_republishes_the_coordinators_home(office: World) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.open_home()
    dana.command(LAPTOP_P3)

    def published() -> int:
        return sum(
            1
            for c in office.standin.calls
            if c.method == "views.publish" and c.args["user_id"] == "U0DESK01"
        )

    before = published()
    move_to(office, at(29, 8, 17))
    assert published() == before, "nothing changed on her Home"
    move_to(office, at(29, 8, 19))  # the 80 % warning
    assert published() == before + 1
