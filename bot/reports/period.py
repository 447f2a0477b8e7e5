"""A report's stretch of days in the desk's zone, with the UTC instants that bound each day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Days:
    """Local days `first` up to `end` (exclusive) in `zone`."""

    first: date
    end: date
    zone: str

    @property
    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.end - self.first).days)]

    def boundary(self, day: date) -> datetime:
        """The UTC instant a local day begins (DST-safe: each day's own offset)."""
        return datetime.combine(day, time(0), tzinfo=ZoneInfo(self.zone)).astimezone(UTC)

    @property
    def start(self) -> datetime:
        return self.boundary(self.first)

    @property
    def stop(self) -> datetime:
        return self.boundary(self.end)

    def label(self) -> str:
        """ "23–29 Nov 2026", the days as people say them."""
        last = self.end - timedelta(days=1)
        if self.first.year != last.year:
            return f"{self.first:%-d %b %Y}–{last:%-d %b %Y}"
        if self.first.month != last.month:
            return f"{self.first:%-d %b}–{last:%-d %b %Y}"
        return f"{self.first.day}–{last:%-d %b %Y}"
