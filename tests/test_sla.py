"""SLA-1..4: targets in business time, warnings at 80 %, breach alerts, status-update cadence,
and timers that survive restarts and fire once. Time is moved by the tests, never slept."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.business_time import add_business, business_seconds, is_open
from bot.clock import Clock
from bot.render.common import when
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from config.policy import Policy
from config.settings import SHIPPED_CONFIG
from store.models import Case, Consult, Timer
from tests.conftest import as_user, world_settings
from tests.helpers import (
    cases,
    dm_texts,
    events,
    last_ephemeral,
    message_text,
    texts,
    top_level,
)

LONDON = ZoneInfo("Europe/London")
# Thursday 24 December 2026, 17:30 in London: 30 minutes of office hours left before a
# holiday (Fri 25), a weekend and another holiday (Mon 28).
CHRISTMAS_EVE = datetime(2026, 12, 24, 17, 30, tzinfo=LONDON)
LAPTOP_P3 = "/case new Laptop will not boot service=laptops urgency=high impact=minor for=@alex"
VPN_P3 = "/case new VPN drops every hour service=vpn urgency=high impact=minor for=@jordan"


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
    assert len(alert) == 1 and "11 min left" in alert[0]
    assert "Page the group's on-call" in alert[0]
    move_to(office, at(29, 8, 25))
    assert len(events(office, 1001, "sla_warning")) == 1, "once per clock and threshold"


def test_sla_2_an_away_coordinator_means_the_on_call_is_warned(office: World) -> None:
    Driver(world=office, user="U0DESK01").command(VPN_P3)
    as_user(office, "olga").press("Take it", channel="C0NETQ")  # the supervisor takes it
    office.standin.set_presence("U0NET02", "away")
    move_to(office, office.runtime.clock.now() + timedelta(hours=3, minutes=13))  # 80 % of 4 h
    (warning,) = events(office, 1001, "sla_warning")
    assert warning.field == "next_update" and warning.detail["unclaimed"] is False
    assert not any("is due" in t for t in dm_texts(office, "U0NET02"))
    (alert,) = [t for t in dm_texts(office, "U0NET01") if "is due" in t]
    assert "*Next update for CASE-1001 is due" in alert and "Post an update" in alert
    assert "Page the group's on-call" not in alert, "someone works it: nobody to page"


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
    assert f"Target 1 h 00 min in business hours (payroll-window), due {token(due)}" in alert
    (card,) = texts(office, "C0PAYQ")
    assert f":red_circle: *First response target missed* · was due {token(due)}" in card
    assert f"*First response due*\n:red_circle: Missed: was due {token(due)}" in card
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
    # delivered after the breach, the warning renders as overdue: one of it all the same
    assert (
        len([t for t in dm_texts(office, "U0DESK01") if "First response for CASE-1001" in t]) == 1
    )
    # one breach alert (Monday's weekly report, QUAL-2, is posted there too)
    alerts = [t for t in texts(office, "C0MGMT") if not t.startswith("*Weekly report")]
    assert len(alerts) == 1
    assert len([t for t in dm_texts(office, "U0USER01") if "management" in t]) == 1


def test_sla_4_a_broken_timer_is_set_aside_and_the_others_still_fire(office: World) -> None:
    Driver(world=office, user="U0DESK01").command(LAPTOP_P3)
    runtime = office.runtime
    with runtime.db.transaction() as session:
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


def test_sla_2_the_app_home_lists_only_clocks_at_risk_and_marks_breached_ones(
    office: World,
) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.command(LAPTOP_P3)  # office hours: first response due Tue 29 08:30
    dana.command(VPN_P3)  # around the clock: first response due within the hour
    dana.open_home()
    home = home_text(office, "U0DESK01")
    vpn, laptop = cases(office)[1], cases(office)[0]
    assert "Your cases at risk, soonest first" in home
    assert f"*CASE-1002* · P3 · First response due {token(due_of(vpn, 'first_response'))}" in home
    assert "*CASE-1001* · P3 · First" not in home, "not past 80 % nor due within 1 h"
    assert "Clocks past 80 % of their target or due within 1 h 00 min, and missed ones" in home

    move_to(office, at(29, 8, 19))  # the laptop's first response is past 80 %; VPN's missed
    dana.open_home()
    lines = [line for line in home_text(office, "U0DESK01").splitlines() if "· P3 ·" in line]
    vpn, laptop = cases(office)[1], cases(office)[0]
    assert [line.split(" · ", 3)[:3] for line in lines] == [
        [
            ":red_circle: *CASE-1002*",
            "P3",
            f"First response missed, was due {when_token(due_of(vpn, 'first_response'))}",
        ],
        [
            ":red_circle: *CASE-1002*",
            "P3",
            f"Resolution missed, was due {when_token(due_of(vpn, 'resolution'))}",
        ],
        [
            ":hourglass_flowing_sand: *CASE-1001*",
            "P3",
            f"First response due {when_token(due_of(laptop, 'first_response'))}",
        ],
    ], "missed first, then soonest due; the laptop's resolution is not at risk"


def test_sla_2_the_at_risk_window_is_a_setting(database_url: str, tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, config)
    sla_file = config / "sla.yml"
    sla_file.write_text(sla_file.read_text().replace("at_risk_within: 1h", "at_risk_within: 5d"))
    settings = dataclasses.replace(world_settings(database_url), config_dir=config)
    world = build_world(settings, clock=Clock(start=CHRISTMAS_EVE))
    try:
        dana = Driver(world=world, user="U0DESK01")
        dana.command(LAPTOP_P3)  # due in 4 days and 15 hours, wall time
        dana.open_home()
        home = home_text(world, "U0DESK01")
        assert "*CASE-1001* · P3 · First response due" in home
        assert "due within 5 d, and missed ones" in home
    finally:
        world.close()


# -- SLA-2: warnings reach someone who can act -----------------------------------------------------
def test_sla_2_an_unclaimed_case_warns_its_coordinator_with_a_page_and_the_on_call_with_take_it(
    office: World,
) -> None:
    Driver(world=office, user="U0DESK01").command(LAPTOP_P3)
    move_to(office, at(29, 8, 19))
    (case,) = cases(office)
    due = due_of(case, "first_response")
    (warning,) = events(office, 1001, "sla_warning")
    assert warning.detail["to"] == ["U0DESK01", "U0EUC01"] and warning.detail["unclaimed"]

    (dana_msg,) = warnings_to(office, "U0DESK01")
    text = message_text(dana_msg.text, dana_msg.blocks)
    assert f"*First response for CASE-1001 is due {token(due)}" in text
    assert "Nobody in End-User Computing has taken it yet." in text
    assert labels(dana_msg) == ["Page the group's on-call", "Show the case"], "Dana may not take"

    (ravi_msg,) = warnings_to(office, "U0EUC01")
    text = message_text(ravi_msg.text, ravi_msg.blocks)
    assert f"*First response for CASE-1001 is due {token(due)}" in text
    assert "It waits in the End-User Computing queue and nobody has taken it yet." in text
    assert labels(ravi_msg) == ["Take it", "Show the case"]

    (card,) = texts(office, "C0EUCQ")
    assert f":hourglass_flowing_sand: *First response at risk* · due {token(due)}" in card

    dana = Driver(world=office, user="U0DESK01")
    stale = dana.find_button("Page the group's on-call")
    as_user(office, "ravi").press("Take it", channel=office.standin.dm_channel_id("U0EUC01"))
    assert cases(office)[0].coordinator_id == "U0EUC01"
    dana.click(stale)
    assert (
        "CASE-1001 is no longer waiting to be taken (it is assigned; <@U0EUC01> coordinates it)"
        in last_ephemeral(office, "U0DESK01")
    )
    assert not consults(office), "nobody was paged"
    for person, before in (("U0DESK01", dana_msg), ("U0EUC01", ravi_msg)):
        (after,) = warnings_to(office, person, taken=True)
        assert after.ts == before.ts, "edited in place"
        assert labels(after) == [], "nothing left to press"
        assert "*CASE-1001* was taken: <@U0EUC01> coordinates it now. First response met" in (
            message_text(after.text, after.blocks)
        )


def test_sla_2_a_coordinator_who_is_the_queues_on_call_gets_one_warning_with_take_it(
    office: World,
) -> None:
    """No service named: the case waits in the service desk's own queue, whose on-call is Dana,
    who recorded it. Paging herself makes no sense; she can take it."""
    Driver(world=office, user="U0DESK01").command(
        "/case new Monitor flickers urgency=high impact=minor for=@alex"
    )
    move_to(office, at(29, 8, 19))
    (warning,) = events(office, 1001, "sla_warning")
    assert warning.detail["to"] == ["U0DESK01"] and warning.detail["unclaimed"]
    (only,) = warnings_to(office, "U0DESK01")
    assert labels(only) == ["Take it", "Show the case"]


def test_sla_2_a_case_waiting_for_an_override_is_not_offered_to_take(office: World) -> None:
    Driver(world=office, user="U0DESK01").command(
        "/case new Home router drops the laptop service=personal-devices urgency=high "
        "impact=minor for=@jordan"
    )
    (case,) = cases(office)
    assert case.support_status in ("unsupported", "not_in_catalog") and case.state == "pending"
    due = due_of(case, "first_response")
    assert due is not None
    move_to(office, due - timedelta(minutes=11))
    (warning,) = events(office, 1001, "sla_warning")
    assert warning.detail["unclaimed"] is False, "it waits for an override, not for a taker"
    (only,) = [t for t in dm_texts(office, "U0DESK01") if "is due" in t]
    assert "Post an update" in only and "Take it" not in only and "Page the group" not in only


def test_sla_2_the_page_button_pages_the_queue_groups_on_call_once(office: World) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.command(LAPTOP_P3)
    move_to(office, at(29, 8, 19))
    stale = dana.find_button("Page the group's on-call")
    dana.press("Page the group's on-call")
    assert last_ephemeral(office, "U0DESK01").startswith(
        "Paged <@U0EUC01>, the on-call of End-User Computing, to take CASE-1001."
    )
    (consult,) = consults(office)
    assert (consult.group_key, consult.via, consult.paged_user, consult.requested_by) == (
        "end-user-computing",
        "oncall",
        "U0EUC01",
        "U0DESK01",
    )
    (page,) = [t for t in dm_texts(office, "U0EUC01") if "Consult: CASE-1001" in t]
    assert "its first response target is at risk. Please take it." in page
    due = due_of(cases(office)[0], "first_response")
    assert re.search(rf"First response: 1[01] min left, due {re.escape(token(due))}", page)
    assert "Take it" in page
    (warned,) = warnings_to(office, "U0DESK01")
    assert labels(warned) == ["Show the case"], "the page button is gone"
    assert "<@U0DESK01> paged <@U0EUC01>, its on-call," in message_text(warned.text, warned.blocks)

    dana.click(stale)  # a second press of the old button
    refusal = last_ephemeral(office, "U0DESK01")
    assert "<@U0EUC01>, the on-call of End-User Computing, was already paged" in refusal
    assert "`/case consult CASE-1001 end-user-computing supervisor`" in refusal
    assert len(consults(office)) == 1

    ravi_dm = office.standin.dm_channel_id("U0EUC01")
    (page_msg,) = [
        m for m in top_level(office, ravi_dm) if "Consult: CASE-1001" in m.text + str(m.blocks)
    ]
    as_user(office, "ravi").press("Take it", channel=ravi_dm)
    assert cases(office)[0].state == "assigned"
    (after,) = [m for m in top_level(office, ravi_dm) if m.ts == page_msg.ts]
    assert labels(after) == [], "the page lost its Take it, edited in place"
    assert ":white_check_mark: Taken: <@U0EUC01> has it." in message_text(after.text, after.blocks)


def test_sla_2_a_breach_of_a_round_the_clock_clock_says_so(office: World) -> None:
    Driver(world=office, user="U0DESK01").command(VPN_P3)
    due = due_of(cases(office)[0], "first_response")
    move_to(office, due + timedelta(minutes=1))
    (alert,) = texts(office, "C0MGMT")
    assert f"Target 1 h 00 min around the clock, due {token(due)}" in alert
    assert "business hours" not in alert


# -- SLA-2 (and SLA-4): a clock warns once ---------------------------------------------------------
def test_sla_2_a_warned_clock_paused_and_resumed_does_not_warn_again(office: World) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.command(LAPTOP_P3)
    move_to(office, at(29, 8, 19))  # warned at 49 of 60 minutes
    assert len(events(office, 1001, "sla_warning")) == 1
    dana.command("/case wait CASE-1001 Which model is the laptop?")
    move_to(office, at(29, 10))
    dana.command("/case resume CASE-1001")
    (case,) = cases(office)
    first = next(c for c in case.clocks if c.metric == "first_response")
    assert first.paused_since is None and near(first.due_at, at(29, 10, 11))
    (armed,) = timers_keyed(office, f":first_response:{first.id}:warn")
    assert armed.fired_at is not None, "the one warning timer fired; the resume armed no other"
    move_to(office, at(29, 10, 5))  # past 80 % again, still before the target
    assert len(events(office, 1001, "sla_warning")) == 1
    assert len(warnings_to(office, "U0DESK01")) == 1 and len(warnings_to(office, "U0EUC01")) == 1


def test_sla_4_a_stray_second_warning_timer_does_not_warn_again(office: World) -> None:
    """A clock already warned, with a second warning timer (an older release's, or a key that
    changed): the handler's own check keeps it to one warning."""
    Driver(world=office, user="U0DESK01").command(LAPTOP_P3)
    move_to(office, at(29, 8, 19))
    (case,) = cases(office)
    first = next(c for c in case.clocks if c.metric == "first_response")
    runtime = office.runtime
    with runtime.db.transaction() as session:
        session.add(
            Timer(
                key=f"sla:stray:{first.id}",
                kind="sla_warning",
                case_id=case.id,
                due_at=runtime.clock.now(),
                payload={"clock": first.id},
                created_at=runtime.clock.now(),
            )
        )
    move_to(office, at(29, 8, 21))
    assert len(events(office, 1001, "sla_warning")) == 1
    assert len(warnings_to(office, "U0DESK01")) == 1


# -- readers ------------------------------------------------------------------------------------
def token(moment: datetime | None) -> str:
    """The start of Slack's date token for a moment, as the bot writes it."""
    assert moment is not None
    return f"<!date^{int(moment.timestamp())}^"


def when_token(moment: datetime | None) -> str:
    """The whole token, as far as the " · " that follows it on an App Home line."""
    assert moment is not None
    return when(moment)


def due_of(case: Case, metric: str) -> datetime | None:
    return next(c.due_at for c in case.clocks if c.metric == metric)


def labels(message: Any) -> list[str]:
    return [
        element["text"]["text"]
        for block in message.blocks
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


def warnings_to(world: World, user: str, *, taken: bool = False, missed: bool = False) -> list[Any]:
    """The SLA warnings in the person's DM (after a take or the breach, the edited ones)."""
    marker = "was taken" if taken else "was due" if missed else "is due"
    return [
        m
        for m in top_level(world, world.standin.dm_channel_id(user))
        if marker in message_text(m.text, m.blocks) and "CASE-1001" in m.text
    ]


def home_text(world: World, user: str) -> str:
    view = world.standin.home_view(user)
    assert view is not None
    return message_text("", view["blocks"])


def consults(world: World) -> list[Consult]:
    with world.runtime.db.transaction() as session:
        return list(session.execute(select(Consult).order_by(Consult.id)).scalars())


def timers_keyed(world: World, key_part: str) -> list[Timer]:
    """Every timer ever set under keys containing `key_part`, fired and cancelled ones too."""
    with world.runtime.db.transaction() as session:
        found = session.execute(select(Timer).order_by(Timer.id)).scalars()
        return [t for t in found if key_part in t.key]


def test_sla_2_a_warning_of_a_case_moved_to_another_queue_loses_its_buttons(
    office: World,
) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.command("/case new Printer offline service=printers urgency=high impact=minor for=@alex")
    move_to(office, at(29, 8, 19))
    (before,) = warnings_to(office, "U0EUC01")
    dana.command("/case transfer CASE-1001 network The printer is fine; its switch port is dead")
    (case,) = cases(office)
    assert (case.group_key, case.state) == ("network", "pending")
    (after,) = [
        m for m in top_level(office, office.standin.dm_channel_id("U0EUC01")) if m.ts == before.ts
    ]
    assert labels(after) == [], "Ravi can no longer take it"
    assert "*CASE-1001* moved to the Network Operations queue." in message_text(
        after.text, after.blocks
    )


def test_sla_2_a_warning_edited_after_the_breach_says_it_was_due(office: World) -> None:
    dana = Driver(world=office, user="U0DESK01")
    dana.command(LAPTOP_P3)
    move_to(office, at(29, 8, 35))  # warned at 08:18, missed at 08:30
    due = due_of(cases(office)[0], "first_response")
    dana.press("Page the group's on-call")
    (warned,) = warnings_to(office, "U0DESK01", taken=False, missed=True)
    text = message_text(warned.text, warned.blocks)
    assert re.search(
        rf":red_circle: \*First response for CASE-1001 was due {re.escape(token(due))}[^*]*\* "
        r"\([45] min over 1 h 00 min\)",
        text,
    )


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
