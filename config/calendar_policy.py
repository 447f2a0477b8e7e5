"""calendars.yml: business hours for SLA clocks (SLA-1). A service or a provider group names
its calendar; major priorities run on `major_calendar`. The days a calendar is closed come from
the holidays package for its country (config/holiday_dates.py) and its own dates."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PrivateAttr,
    TypeAdapter,
    model_validator,
)

from config.holiday_dates import HolidayDates, check_names, check_subdivision, country_code
from config.policy_types import (
    Entry,
    Flag,
    Key,
    Keyed,
    Provides,
    Ref,
    Section,
    Span,
    Text,
    one_of,
    problem,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise problem("unknown time zone", "an IANA name such as Europe/London or UTC") from None
    return name


_HOURS = TypeAdapter(dict[Annotated[str, one_of(*WEEKDAYS)], tuple[Span, ...]])


def _by_number(hours: Any) -> dict[int, tuple[tuple[time, time], ...]]:
    """Opening hours checked by weekday name (`hours.mon.0`), kept by Python's weekday number
    (0 = Monday), which the business-time arithmetic reads."""
    return {WEEKDAYS.index(day): spans for day, spans in _HOURS.validate_python(hours).items()}


def _written(value: Any) -> Any:
    """Dates as written in the file (2028-01-04), for an error message."""
    if isinstance(value, tuple):
        return [day.isoformat() if isinstance(day, date) else day for day in value]
    return value


class Calendar(Entry):
    """Business hours in one time zone: open spans per weekday (0 = Monday), and the days it
    is closed: its country's public holidays (or only the named ones), its own extra dates,
    less the holidays it opens on anyway."""

    timezone: Annotated[Text, AfterValidator(_zone)]
    always_open: Flag = False
    hours: Annotated[dict[int, tuple[tuple[time, time], ...]], BeforeValidator(_by_number)] = Field(
        default_factory=dict
    )
    country: Annotated[str, Field(max_length=10), AfterValidator(country_code)] | None = None
    subdivision: Annotated[Text, Field(max_length=60)] | None = None
    only_holidays: tuple[Text, ...] = Field((), min_length=1)
    extra_dates: tuple[date, ...] = ()
    not_holidays: tuple[date, ...] = ()
    old_holidays: tuple[date, ...] = Field((), alias="holidays")  # extra_dates before issue 14
    _closed: HolidayDates = PrivateAttr(default_factory=HolidayDates)

    @property
    def holidays(self) -> HolidayDates:
        """The days it is closed all day; `day in calendar.holidays` answers for any year."""
        return self._closed

    def is_holiday(self, day: date) -> bool:
        """Whether the calendar is closed all day (a public holiday or a local closure)."""
        return day in self._closed

    @model_validator(mode="after")
    def _open_sometimes(self) -> Calendar:
        if not self.always_open and not self.hours:
            raise problem("no opening hours", "`always_open: true`, or `hours:` per weekday")
        given = self.model_fields_set
        if {"old_holidays", "extra_dates"} <= given:
            raise problem(
                "both `holidays:` and `extra_dates:`; `holidays:` is the old name of "
                "`extra_dates:`",
                "the dates under `extra_dates:` only",
                at=("holidays",),
                found=[day.isoformat() for day in self.old_holidays],
            )
        closing = [
            k for k in ("country", "extra_dates", "old_holidays", "not_holidays") if k in given
        ]
        if self.always_open and closing:
            name = "holidays" if closing[0] == "old_holidays" else closing[0]
            raise problem(
                "an always-open calendar never closes, so it has no holidays",
                "no holiday keys here, or `always_open: false` with opening hours",
                at=(name,),
                found=_written(getattr(self, closing[0])),
            )
        for key in ("subdivision", "only_holidays"):
            if key in given and self.country is None:
                raise problem(
                    "needs the calendar's `country:`",
                    "a `country:` key beside it, e.g. GB",
                    at=(key,),
                    found=getattr(self, key),
                )
        if self.country is not None and self.subdivision is not None:
            check_subdivision(self.country, self.subdivision)
        if self.country is not None and self.only_holidays:
            check_names(self.country, self.subdivision, self.only_holidays)
        closed = HolidayDates(
            country=self.country,
            subdivision=self.subdivision,
            only=frozenset(self.only_holidays),
            extra=frozenset(self.extra_dates or self.old_holidays),
        )
        for index, day in enumerate(self.not_holidays):
            if day not in closed:
                raise problem(
                    "not a holiday of this calendar, so it is open anyway",
                    "a date that the country's holidays or `extra_dates:` close",
                    at=("not_holidays", index),
                    found=day.isoformat(),
                )
        self._closed = HolidayDates(
            country=closed.country,
            subdivision=closed.subdivision,
            only=closed.only,
            extra=closed.extra,
            open_anyway=frozenset(self.not_holidays),
        )
        return self


CalendarRef = Annotated[str, Ref("calendars")]


class CalendarsFile(Section):
    calendars: Annotated[dict[Key, Calendar], Keyed, Field(min_length=1), Provides("calendars")]
    default_calendar: CalendarRef
    major_calendar: CalendarRef
