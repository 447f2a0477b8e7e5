"""changes.yml (optional): the forward schedule of change as the change system exports it
(WORK-3), each window with a ref, a service, local start and end times and a title."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, model_validator

from config.catalog_policy import ServiceRef
from config.policy_types import Section, Text, matching, problem, provided

WINDOW_REF = r"^[A-Z][A-Z0-9]*-[A-Za-z0-9-]+$"
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}$")
LONGEST_WINDOW = timedelta(days=14)


def _local(value: Any, info: ValidationInfo) -> datetime:
    """A local time in the desk's default calendar's zone (the context's `zone`), in UTC."""
    text = str(value) if value is not None else ""
    if not LOCAL_TIME.match(text):
        raise problem("not a local date and time", "YYYY-MM-DDTHH:MM in the desk's time zone")
    zone = ZoneInfo(provided(info, "zone"))
    try:
        local = datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=zone)
    except ValueError:
        raise problem("not a real date and time", "YYYY-MM-DDTHH:MM") from None
    return local.astimezone(UTC)


LocalTime = Annotated[datetime, BeforeValidator(_local)]


class PlannedWindow(Section):
    """WORK-3: a window of the forward schedule of change written in changes.yml."""

    key_kind = "setting"
    ref: Annotated[str, matching(WINDOW_REF, "a change reference like CHG-2231")]
    service_key: ServiceRef = Field(alias="service")
    title: Text
    starts_at: LocalTime = Field(alias="start")
    ends_at: LocalTime = Field(alias="end")

    @model_validator(mode="after")
    def _a_window(self, info: ValidationInfo) -> PlannedWindow:
        zone = ZoneInfo(provided(info, "zone"))
        written = f"{self.ends_at.astimezone(zone):%Y-%m-%dT%H:%M}"
        if self.ends_at <= self.starts_at:
            raise problem(
                "not after the start", "an end later than the start", at=("end",), found=written
            )
        if self.ends_at - self.starts_at > LONGEST_WINDOW:
            raise problem(
                "more than 14 days after the start",
                "split it into windows",
                at=("end",),
                found=written,
            )
        return self


def _one_each(windows: tuple[PlannedWindow, ...]) -> tuple[PlannedWindow, ...]:
    seen: set[str] = set()
    for index, window in enumerate(windows):
        if window.ref in seen:
            raise problem(
                "used twice", "one entry per change reference", at=(index, "ref"), found=window.ref
            )
        seen.add(window.ref)
    return windows


class ChangesFile(Section):
    windows: Annotated[tuple[PlannedWindow, ...], AfterValidator(_one_each)]
