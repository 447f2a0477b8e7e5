"""SLA-1: the days a calendar is closed come from the maintained `holidays` package (country and
subdivision per calendar), plus the desk's own closures; a bad country, subdivision or holiday
name stops the start with the file, the key, the value and what is allowed."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.business_time import add_business, business_seconds, is_open
from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from config.policy import Calendar, Policy, PolicyError, load_policy
from config.settings import SHIPPED_CONFIG
from tests.conftest import world_settings
from tests.helpers import cases, last_ephemeral

LONDON = ZoneInfo("Europe/London")
LAPTOP_P3 = "/case new Laptop will not boot service=laptops urgency=high impact=minor for=@alex"
# Maundy Thursday 2028, 17:30 in London: half an hour of office hours before Good Friday (14 April),
# the weekend and Easter Monday (17 April). The old hand-typed list stopped in 2027.
MAUNDY_THURSDAY_2028 = datetime(2028, 4, 13, 17, 30, tzinfo=LONDON)


def london(day: int, hour: int, minute: int = 0, *, month: int, year: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def policy_with(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Policy:
    """The shipped policy with calendars.yml edited."""
    folder = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = folder / "calendars.yml"
    data = yaml.safe_load(path.read_text())
    edit(data["calendars"])
    path.write_text(yaml.safe_dump(data))
    return load_policy(folder)


@pytest.fixture
def easter_2028(database_url: str) -> Iterator[World]:
    world = build_world(world_settings(database_url), clock=Clock(start=MAUNDY_THURSDAY_2028))
    yield world
    world.close()


def test_sla_1_a_2028_english_bank_holiday_from_the_package_is_closed(policy: Policy) -> None:
    office = policy.calendars["office-hours"]
    start = MAUNDY_THURSDAY_2028.astimezone(UTC)

    due = add_business(office, start, 60 * 60)

    assert due == london(18, 8, 30, month=4, year=2028), "30 min Thu, then Tue 18 08:00 + 30 min"
    assert business_seconds(office, start, due) == 3600
    assert office.is_holiday(date(2028, 4, 14)) and office.is_holiday(date(2028, 4, 17))
    assert not is_open(office, london(14, 12, month=4, year=2028)), "Good Friday"
    assert not is_open(office, london(17, 12, month=4, year=2028)), "Easter Monday"
    assert is_open(office, london(18, 9, month=4, year=2028))
    assert not is_open(office, london(29, 12, month=5, year=2028)), "Spring bank holiday"
    assert is_open(office, london(30, 12, month=5, year=2028))


def test_sla_1_a_case_recorded_before_the_2028_easter_holidays_is_due_after_them(
    easter_2028: World,
) -> None:
    dana = Driver(world=easter_2028, user="U0DESK01")
    dana.command(LAPTOP_P3)

    (case,) = cases(easter_2028)
    first = next(c for c in case.clocks if c.metric == "first_response")
    assert first.calendar == "office-hours"
    assert first.due_at is not None
    expected = london(18, 8, 30, month=4, year=2028)
    assert abs((first.due_at - expected).total_seconds()) <= 60, "real seconds the test takes"
    dana.command("/case sla CASE-1001")
    shown = last_ephemeral(easter_2028, "U0DESK01")
    assert f"<!date^{int(first.due_at.timestamp())}^" in shown and "office-hours" in shown


def test_sla_1_the_shipped_calendars_close_on_the_days_the_old_hand_list_named(
    policy: Policy,
) -> None:
    """No behaviour change where the hand-typed list reached (Dec 2026 - Dec 2027): the same
    weekdays closed; the package adds only days these calendars are closed on anyway."""
    office, payroll = policy.calendars["office-hours"], policy.calendars["payroll-window"]
    old_office = {
        date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1), date(2027, 3, 26),
        date(2027, 3, 29), date(2027, 5, 3), date(2027, 5, 31), date(2027, 8, 30),
        date(2027, 12, 27), date(2027, 12, 28),
    }  # fmt: skip
    span = [date(2026, 12, 1) + timedelta(days=n) for n in range(393)]  # to 28 Dec 2027
    open_days = {day for day in span if office.hours.get(day.weekday())}
    assert {day for day in span if office.is_holiday(day)} & open_days == old_office
    # payroll's list named Christmas and New Year's Day to 2027-01-01; the next is Christmas 2027
    payroll_span = span[: span.index(date(2027, 12, 24)) + 1]
    payroll_days = {day for day in payroll_span if payroll.hours.get(day.weekday())}
    closed = {day for day in payroll_span if payroll.is_holiday(day)} & payroll_days
    assert closed == {date(2026, 12, 25), date(2027, 1, 1)}


def test_sla_1_only_holidays_keeps_named_ones_with_their_substitute_days(policy: Policy) -> None:
    payroll = policy.calendars["payroll-window"]
    assert not payroll.is_holiday(date(2028, 4, 14)), "payroll runs on Good Friday"
    assert is_open(payroll, london(14, 12, month=4, year=2028))
    assert payroll.is_holiday(date(2027, 12, 25)), "Christmas Day on a Saturday"
    assert payroll.is_holiday(date(2027, 12, 27)), "and its substitute Monday"
    assert not payroll.is_holiday(date(2027, 12, 28)), "Boxing Day's substitute is not named"
    assert payroll.is_holiday(date(2031, 1, 1))


def test_sla_1_an_extra_local_date_is_closed_and_a_not_holiday_is_open(tmp_path: Path) -> None:
    def edit(calendars: dict[str, Any]) -> None:
        calendars["office-hours"]["extra_dates"] = ["2028-04-13", "2028-12-27"]
        calendars["office-hours"]["not_holidays"] = ["2028-04-17"]

    office: Calendar = policy_with(tmp_path, edit).calendars["office-hours"]

    start = london(12, 17, 30, month=4, year=2028)  # the Wednesday before Easter
    assert office.is_holiday(date(2028, 4, 13)), "the office's own closure"
    assert office.is_holiday(date(2028, 12, 27)) and office.is_holiday(date(2028, 12, 26))
    assert not office.is_holiday(date(2028, 4, 17)), "open on Easter Monday this year"
    assert office.is_holiday(date(2028, 4, 14)), "the package's holidays still apply"
    assert add_business(office, start, 3600) == london(17, 8, 30, month=4, year=2028)


def test_sla_1_the_old_holidays_key_still_names_extra_dates(tmp_path: Path) -> None:
    def edit(calendars: dict[str, Any]) -> None:
        office = calendars["office-hours"]
        del office["country"], office["subdivision"], office["extra_dates"]
        office["holidays"] = ["2026-12-25"]

    office = policy_with(tmp_path, edit).calendars["office-hours"]

    assert office.is_holiday(date(2026, 12, 25))
    assert not office.is_holiday(date(2026, 12, 28)), "no country: only the dates given"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda c: c["office-hours"].update(country="XX"),
            [
                "calendars.office-hours.country",
                "'XX'",
                "not a country the holidays package knows",
                "list_supported_countries",
            ],
        ),
        (
            lambda c: c["office-hours"].update(subdivision="YORKS"),
            [
                "calendars.office-hours.subdivision",
                "'YORKS'",
                "not a subdivision of GB",
                "ENG, NIR, SCT, WLS",
                "England (ENG)",
            ],
        ),
        (
            lambda c: c["payroll-window"].update(only_holidays=["Christmas Day", "Xmas"]),
            [
                "calendars.payroll-window.only_holidays.1",
                "'Xmas'",
                "not a holiday name of GB",
                "Boxing Day, Christmas Day",
            ],
        ),
        (
            lambda c: c["office-hours"].pop("country"),
            ["calendars.office-hours.subdivision", "'ENG'", "needs the calendar's `country:`"],
        ),
        (
            lambda c: c["office-hours"].update(not_holidays=["2028-04-18"]),
            [
                "calendars.office-hours.not_holidays.0",
                "2028",
                "not a holiday of this calendar",
            ],
        ),
        (
            lambda c: c["office-hours"].update(extra_dates=["2028-02-30"]),
            ["calendars.office-hours.extra_dates.0", "'2028-02-30'", "YYYY-MM-DD"],
        ),
        (
            lambda c: c["office-hours"].update(subdivison="SCT"),
            ["calendars.office-hours.subdivison", "unknown key", "subdivision"],
        ),
        (
            lambda c: c["office-hours"].update(holidays=["2028-01-04"]),
            ["calendars.office-hours.holidays", "old name of `extra_dates:`"],
        ),
        (
            lambda c: c["always"].update(country="GB"),
            ["calendars.always.country", "an always-open calendar never closes"],
        ),
    ],
    ids=[
        "unknown country",
        "unknown subdivision",
        "unknown holiday name",
        "subdivision without country",
        "not_holidays of an open day",
        "bad extra date",
        "misspelt key",
        "old and new key",
        "always open",
    ],
)
def test_sla_1_a_bad_holiday_setting_names_file_key_value_and_what_is_allowed(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], expected: list[str]
) -> None:
    with pytest.raises(PolicyError) as caught:
        policy_with(tmp_path, edit)
    message = str(caught.value)
    assert message.startswith("calendars.yml: "), message
    for part in expected:
        assert part in message, message
