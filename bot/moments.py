"""A moment as people type it in Slack: `30m`, `2h`, `morning`, `14:30`, `2026-11-25 09:00` (or
with a `T`), read in a calendar's time zone. `/case estimate` and `/change add` read the same
words, so what works in one works in the other.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.business_time import open_spans
from config.policy import Calendar

MORNING_WORDS = ("morning", "next-morning", "tomorrow")
RELATIVE = re.compile(r"^(\d{1,4})\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)$")
CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ tT](\d{1,2})[:.](\d{2})$")


class Unreadable(ValueError):
    """The words are not a moment; the message says which part was wrong."""


def length(text: str) -> timedelta | None:
    """`15m`, `2h`, `1d`: a span of time, or None when the words are not one."""
    found = RELATIVE.match(text.strip().lower())
    if found is None:
        return None
    amount, unit = int(found.group(1)), found.group(2)
    if unit.startswith("d"):
        return timedelta(days=amount)
    return timedelta(hours=amount) if unit.startswith("h") else timedelta(minutes=amount)


def read(
    text: str, *, now: datetime, calendar: Calendar, after: datetime | None = None
) -> datetime:
    """The moment `text` names, in UTC. A length counts from `now`; a time of day alone is the
    first such time after `after` (default `now`): 09:00 said in the afternoon is tomorrow's."""
    words = text.strip().lower()
    zone = ZoneInfo(calendar.timezone)
    if words in MORNING_WORDS:
        return next_business_morning(calendar, now)
    span = length(words)
    if span is not None:
        return now + span
    if clock := CLOCK.match(words):
        moment = _time_of_day(int(clock.group(1)), int(clock.group(2)), text)
        start = after or now
        at = datetime.combine(start.astimezone(zone).date(), moment, zone).astimezone(UTC)
        return at + timedelta(days=1) if at <= start else at
    if stamp := DATE_TIME.match(words):
        moment = _time_of_day(int(stamp.group(2)), int(stamp.group(3)), text)
        try:
            day = datetime.fromisoformat(stamp.group(1)).date()
        except ValueError:
            raise Unreadable(f"{stamp.group(1)!r} is not a date.") from None
        return datetime.combine(day, moment, zone).astimezone(UTC)
    raise Unreadable(f"I can't read {text!r} as a time.")


def split_first(words: list[str]) -> tuple[str, list[str]]:
    """The first moment in a list of words and the words after it: a date and a time typed
    with a space between them (`2026-11-25 09:00`) are one moment."""
    if len(words) >= 2 and DATE.match(words[0]) and CLOCK.match(words[1]):
        return f"{words[0]} {words[1]}", words[2:]
    return (words[0], words[1:]) if words else ("", [])


def _time_of_day(hour: int, minute: int, text: str) -> time:
    if hour > 23 or minute > 59:
        raise Unreadable(f"{text!r} is not a time of day.")
    return time(hour, minute)


def next_business_morning(calendar: Calendar, now: datetime) -> datetime:
    """When the calendar next opens on a later local day (09:00 tomorrow for a 24x7 one)."""
    zone = ZoneInfo(calendar.timezone)
    today = now.astimezone(zone).date()
    if not calendar.always_open:
        for opens, _closes in open_spans(calendar, now):
            if opens.astimezone(zone).date() > today:
                return opens
    return datetime.combine(today + timedelta(days=1), time(9), zone).astimezone(UTC)
