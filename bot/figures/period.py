"""QUAL-2's periods: `7d`, `30d`, `this-week`, `last-month`, `2026-11-01..2026-11-30` ...,
read in the desk's zone (its default calendar's), as a half-open span [start, end) in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserFacingError

DEFAULT = "7d"
MAX_DAYS = 366
NAMED = ("today", "this-week", "last-week", "this-month", "last-month")
ALLOWED = (
    "`7d` (the default), `30d` (any `Nd`, 1 to 366), "
    + ", ".join(f"`{n}`" for n in NAMED)
    + " or a range of days `2026-11-01..2026-11-30`"
)
_DAYS = re.compile(r"^(\d{1,4})d$")
_RANGE = re.compile(r"^(\S+)\.\.(\S+)$")


class PeriodError(UserFacingError):
    """A period that cannot be read; the message says what is allowed."""


@dataclass(frozen=True, kw_only=True)
class Period:
    """[start, end) in UTC, with the words people read ("last 7 days") and what they typed."""

    key: str
    label: str
    start: datetime
    end: datetime

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400


def parse_period(text: str, *, now: datetime, zone: str) -> Period:
    """The period a user typed, or PeriodError naming what is allowed. Rolling periods (`Nd`)
    end now; named ones start at local midnight; a range covers whole local days."""
    key = (text or DEFAULT).strip().lower()
    tz = ZoneInfo(zone)
    local_today = now.astimezone(tz).date()
    days = _DAYS.match(key)
    if days:
        n = int(days.group(1))
        if not 1 <= n <= MAX_DAYS:
            raise PeriodError(f"`{key}` is out of range: give 1 to {MAX_DAYS} days, e.g. `30d`.")
        label = "last 24 hours" if n == 1 else f"last {n} days"
        return Period(key=key, label=label, start=now - timedelta(days=n), end=now)
    if key == "today":
        return Period(key=key, label="today", start=_midnight(local_today, tz), end=now)
    if key in ("this-week", "last-week"):
        monday = local_today - timedelta(days=local_today.weekday())
        if key == "this-week":
            return Period(key=key, label="this week", start=_midnight(monday, tz), end=now)
        last = monday - timedelta(days=7)
        return _days(key, "last week", last, monday, tz)
    if key in ("this-month", "last-month"):
        first = local_today.replace(day=1)
        if key == "this-month":
            return Period(key=key, label="this month", start=_midnight(first, tz), end=now)
        previous = (first - timedelta(days=1)).replace(day=1)
        return _days(key, f"{previous:%B %Y}", previous, first, tz)
    found = _RANGE.match(key)
    if found:
        return _range(key, found.group(1), found.group(2), tz)
    raise PeriodError(f"I can't read the period `{key[:40]}`. Use {ALLOWED}.")


def _range(key: str, first: str, last: str, tz: ZoneInfo) -> Period:
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        raise PeriodError(
            f"`{key[:40]}` is not a range of days: write both days as YYYY-MM-DD, "
            "e.g. `2026-11-01..2026-11-30`."
        ) from None
    if end < start:
        raise PeriodError(f"`{key}` ends before it starts: put the earlier day first.")
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError(f"`{key}` is longer than {MAX_DAYS} days: choose a shorter range.")
    label = f"{start:%d %b %Y}" if start == end else f"{start:%d %b %Y} to {end:%d %b %Y}"
    return _days(key, label, start, end + timedelta(days=1), tz)


def _days(key: str, label: str, first: date, after: date, tz: ZoneInfo) -> Period:
    return Period(key=key, label=label, start=_midnight(first, tz), end=_midnight(after, tz))


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(UTC)
