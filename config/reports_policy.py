"""reports.yml (optional): when and where the weekly report is posted (QUAL-2). Its day and time
are in the desk's zone (the default calendar's); without a channel it goes to the management
channel of desk.yml."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Any

from pydantic import BeforeValidator

from config.policy_types import ChannelId, Flag, Section, one_of, problem

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^(\d{2}):(\d{2})$")


def _clock_time(value: Any) -> time:
    match = _TIME.match(value) if isinstance(value, str) else None
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise problem("not a time of day", 'a quoted 24-hour time "HH:MM", e.g. "09:00"')
    return time(int(match.group(1)), int(match.group(2)))


ClockTime = Annotated[time, BeforeValidator(_clock_time)]


class WeeklyReport(Section):
    """The weekly report: on `day` at `time` (desk's zone) it covers the seven days before."""

    key_kind = "setting"
    enabled: Flag = True
    day: Annotated[str, one_of(*WEEKDAYS)] = "mon"
    time: ClockTime = time(9, 0)
    channel: ChannelId | None = None

    @property
    def weekday(self) -> int:
        """Monday is 0, as `date.weekday()` counts."""
        return WEEKDAYS.index(self.day)


class ReportsFile(Section):
    weekly_report: WeeklyReport = WeeklyReport()
