"""The days a business calendar is closed (SLA-1).

Public holidays come from the maintained `holidays` package for the calendar's country and
subdivision (England's bank holidays are `country: GB`, `subdivision: ENG`), so nobody types them
by hand and they never run out. A calendar may keep only some of them by name (a payroll window
that works through most bank holidays), adds its own closures (`extra_dates`: the office's
Christmas shutdown) and may open on a listed holiday anyway (`not_holidays`).

The business-time arithmetic (`bot/business_time.py`) only asks whether a date is closed; each
year's dates are worked out the first time that year is asked about, then kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import holidays

from config.policy_types import problem

NAME_YEARS = range(2000, 2061)  # the years whose holiday names `only_holidays` may name
FIND_COUNTRIES = (
    "a country code the holidays package knows, such as GB, US or DE "
    '(python -c "import holidays; print(sorted(holidays.list_supported_countries()))" '
    "lists them all)"
)


@dataclass(frozen=True, kw_only=True)
class HolidayDates:
    """A calendar's closed days. `day in dates` answers for any year."""

    country: str | None = None
    subdivision: str | None = None
    only: frozenset[str] = frozenset()
    extra: frozenset[date] = frozenset()
    open_anyway: frozenset[date] = frozenset()
    _years: dict[int, frozenset[date]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __contains__(self, day: date) -> bool:
        try:
            return day in self._years[day.year]
        except KeyError:
            return day in self.of_year(day.year)

    def of_year(self, year: int) -> frozenset[date]:
        """Every closed day of one year (two threads may both work a year out: same answer)."""
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = self._closed_in(year)
        return found

    def _closed_in(self, year: int) -> frozenset[date]:
        public = {
            day
            for day, names in _public(self.country, self.subdivision, year).items()
            if not self.only or _named(names, self.only)
        }
        local = {day for day in self.extra if day.year == year}
        return frozenset((public | local) - self.open_anyway)


def _public(country: str | None, subdivision: str | None, years: int | range) -> dict[date, str]:
    """The package's holidays, names joined by "; " where two fall on one day."""
    if country is None:
        return {}
    return dict(holidays.country_holidays(country, subdiv=subdivision, years=years))


def _named(names: str, wanted: Iterable[str]) -> bool:
    """Whether a day's holidays include one of `wanted`, or its observed or substitute day
    ("Christmas Day (observed)" is Christmas Day's closure when the 25th is a Saturday)."""
    return any(
        part == name or part.startswith(f"{name} (")
        for part in names.split("; ")
        for name in wanted
    )


def country_code(code: str) -> str:
    """A `country:` the holidays package knows."""
    try:
        holidays.country_holidays(code)
    except NotImplementedError:
        raise problem("not a country the holidays package knows", FIND_COUNTRIES) from None
    return code


def check_subdivision(country: str, code: str) -> None:
    """A `subdivision:` of the calendar's country, by code or by the package's name for it."""
    try:
        holidays.country_holidays(country, subdiv=code)
    except NotImplementedError:
        kind = type(holidays.country_holidays(country))
        codes = ", ".join(kind.subdivisions) or "none: leave `subdivision:` out"
        names = ", ".join(f"{name} ({code})" for name, code in kind.subdivisions_aliases.items())
        raise problem(
            f"not a subdivision of {country}",
            codes + (f"; or by name: {names}" if names else ""),
            at=("subdivision",),
            found=code,
        ) from None


def check_names(country: str, subdivision: str | None, wanted: Iterable[str]) -> None:
    """Each of `only_holidays:` is a holiday name of the country (in any year from 2000)."""
    known = {
        part
        for names in _public(country, subdivision, NAME_YEARS).values()
        for part in names.split("; ")
    }
    plain = sorted(name for name in known if not any(name.startswith(f"{k} (") for k in known))
    for index, name in enumerate(wanted):
        if not any(_named(k, [name]) for k in known):
            raise problem(
                f"not a holiday name of {country}",
                ", ".join(plain),
                at=("only_holidays", index),
                found=name,
            )
