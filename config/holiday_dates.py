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

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import holidays

from config.yaml_checks import Checker

KEYS = ("country", "subdivision", "only_holidays", "extra_dates", "not_holidays")
OLD_EXTRA_KEY = "holidays"  # before issue 14, every closed date was typed under `holidays:`
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


def read_holiday_dates(c: Checker, *, always_open: bool) -> HolidayDates:
    """A calendar's holiday keys, each checked where it is written."""
    country_node, subdivision_node = c.optional("country"), c.optional("subdivision")
    only_node, not_node = c.optional("only_holidays"), c.optional("not_holidays")
    extra_node = _extra_node(c)
    given = [n for n in (country_node, extra_node, not_node) if n.value is not None]
    if always_open and given:
        given[0].fail(
            "an always-open calendar never closes, so it has no holidays",
            "no holiday keys here, or `always_open: false` with opening hours",
        )
    country = None if country_node.value is None else _country(country_node)
    for node in (subdivision_node, only_node):
        if node.value is not None and country is None:
            node.fail("needs the calendar's `country:`", "a `country:` key beside it, e.g. GB")
    subdivision = (
        None if subdivision_node.value is None else _subdivision(subdivision_node, country)
    )
    only = _only(only_node, country, subdivision) if only_node.value is not None else frozenset()
    closed = HolidayDates(
        country=country, subdivision=subdivision, only=only, extra=_days(extra_node)
    )
    if not_node.value is None:
        return closed
    for entry in not_node.entries():
        if entry.day() not in closed:
            entry.fail(
                "not a holiday of this calendar, so it is open anyway",
                "a date that the country's holidays or `extra_dates:` close",
            )
    return dataclasses.replace(closed, open_anyway=_days(not_node))


def _extra_node(c: Checker) -> Checker:
    extra, old = c.optional("extra_dates"), c.optional(OLD_EXTRA_KEY)
    if old.value is not None and extra.value is not None:
        old.fail(
            "both `holidays:` and `extra_dates:`; `holidays:` is the old name of `extra_dates:`",
            "the dates under `extra_dates:` only",
        )
    return extra if old.value is None else old


def _country(node: Checker) -> str:
    code = node.text(max_length=10)
    try:
        holidays.country_holidays(code)
    except NotImplementedError:
        node.fail("not a country the holidays package knows", FIND_COUNTRIES)
    return code


def _subdivision(node: Checker, country: str | None) -> str:
    assert country is not None
    code = node.text(max_length=60)
    try:
        holidays.country_holidays(country, subdiv=code)
    except NotImplementedError:
        kind = type(holidays.country_holidays(country))
        codes = ", ".join(kind.subdivisions) or "none: leave `subdivision:` out"
        aliases = kind.subdivisions_aliases.items()
        names = ", ".join(f"{alias} ({short})" for alias, short in aliases)
        node.fail(
            f"not a subdivision of {country}", codes + (f"; or by name: {names}" if names else "")
        )
    return code


def _only(node: Checker, country: str | None, subdivision: str | None) -> frozenset[str]:
    known = {
        part
        for names in _public(country, subdivision, NAME_YEARS).values()
        for part in names.split("; ")
    }
    plain = sorted(name for name in known if not any(name.startswith(f"{k} (") for k in known))
    wanted = node.str_list(non_empty=True)
    for entry, name in zip(node.entries(), wanted, strict=True):
        if not any(_named(k, [name]) for k in known):
            entry.fail(f"not a holiday name of {country}", ", ".join(plain))
    return frozenset(wanted)


def _days(node: Checker) -> frozenset[date]:
    return (
        frozenset(entry.day() for entry in node.entries())
        if node.value is not None
        else frozenset()
    )
