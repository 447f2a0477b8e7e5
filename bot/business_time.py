"""Business-time arithmetic on a calendar (SLA-1): how much open time lies between two moments,
and which moment lies a given amount of open time after another.

Times go in and out as aware UTC datetimes; the calendar's own time zone decides what "08:00 on
a Monday" is, daylight saving included.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from config.policy import Calendar

MAX_DAYS = 3700  # ten years: a calendar that never opens must not loop forever


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _spans_of_day(calendar: Calendar, day: date) -> Iterator[tuple[datetime, datetime]]:
    """The open spans of one local day, as UTC datetimes."""
    if calendar.is_holiday(day):
        return
    zone = _zone(calendar.timezone)
    for start, end in calendar.hours.get(day.weekday(), ()):
        opens = datetime.combine(day, start, zone)
        closes = (
            datetime.combine(day + timedelta(days=1), time(0), zone)
            if end == time.max
            else datetime.combine(day, end, zone)
        )
        yield opens.astimezone(UTC), closes.astimezone(UTC)


def open_spans(calendar: Calendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Open spans from `start` onwards, the first one clipped to begin at `start`."""
    if calendar.always_open:
        yield start, datetime.max.replace(tzinfo=UTC)
        return
    day = start.astimezone(_zone(calendar.timezone)).date()
    for offset in range(MAX_DAYS):
        for opens, closes in _spans_of_day(calendar, day + timedelta(days=offset)):
            if closes <= start:
                continue
            yield max(opens, start), closes


def business_seconds(calendar: Calendar, start: datetime, end: datetime) -> float:
    """Open seconds between two moments (0 when end is not after start)."""
    if end <= start:
        return 0.0
    if calendar.always_open:
        return (end - start).total_seconds()
    total = 0.0
    for opens, closes in open_spans(calendar, start):
        if opens >= end:
            break
        total += (min(closes, end) - opens).total_seconds()
    return total


def add_business(calendar: Calendar, start: datetime, seconds: float) -> datetime:
    """The moment `seconds` of open time after `start` (start itself for zero or less)."""
    if seconds <= 0:
        return start
    if calendar.always_open:
        return start + timedelta(seconds=seconds)
    remaining = seconds
    for opens, closes in open_spans(calendar, start):
        length = (closes - opens).total_seconds()
        if remaining <= length:
            return opens + timedelta(seconds=remaining)
        remaining -= length
    raise ValueError(f"calendar {calendar.key} has no open time in the next {MAX_DAYS} days")


def is_open(calendar: Calendar, moment: datetime) -> bool:
    """Whether the calendar is open at this moment (for "outside their hours")."""
    if calendar.always_open:
        return True
    first = next(open_spans(calendar, moment), None)
    return first is not None and first[0] == moment
