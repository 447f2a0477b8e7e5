"""calendars.yml: business hours for SLA clocks (SLA-1). A service or a provider group names
its calendar; major priorities run on `major_calendar`."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, TypeAdapter, model_validator

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


class Calendar(Entry):
    """Business hours in one time zone: open spans per weekday (0 = Monday), closed holidays."""

    timezone: Annotated[Text, AfterValidator(_zone)]
    always_open: Flag = False
    hours: Annotated[dict[int, tuple[tuple[time, time], ...]], BeforeValidator(_by_number)] = Field(
        default_factory=dict
    )
    holidays: frozenset[date] = frozenset()

    @model_validator(mode="after")
    def _open_sometimes(self) -> Calendar:
        if not self.always_open and not self.hours:
            raise problem("no opening hours", "`always_open: true`, or `hours:` per weekday")
        return self


CalendarRef = Annotated[str, Ref("calendars")]


class CalendarsFile(Section):
    calendars: Annotated[dict[Key, Calendar], Keyed, Field(min_length=1), Provides("calendars")]
    default_calendar: CalendarRef
    major_calendar: CalendarRef
