"""QUAL-2: the desk's figures on demand, from its own record.

`desk_figures(session, period=, scope=, policy=, now=, filters=)` returns a frozen
`DeskFigures`; `parse_period` reads `7d`, `30d`, `this-week`, `last-month` or a range of days
in the desk's zone; `scope_for` says which groups a person may read (PERM-1).
"""

from __future__ import annotations

from bot.figures.compute import desk_figures
from bot.figures.model import (
    ClockTally,
    DeskFigures,
    Durations,
    Filters,
    FirstContact,
    KbUsefulness,
    OpenByAge,
    Share,
    TimeTo,
    UnknownAnswers,
    ValidationFigures,
    ValidationTally,
    Volume,
)
from bot.figures.period import DEFAULT, Period, PeriodError, parse_period
from bot.figures.scope import WHOLE_DESK, Scope, scope_for

__all__ = [
    "DEFAULT",
    "WHOLE_DESK",
    "ClockTally",
    "DeskFigures",
    "Durations",
    "Filters",
    "FirstContact",
    "KbUsefulness",
    "OpenByAge",
    "Period",
    "PeriodError",
    "Scope",
    "Share",
    "TimeTo",
    "UnknownAnswers",
    "ValidationFigures",
    "ValidationTally",
    "Volume",
    "desk_figures",
    "parse_period",
    "scope_for",
]
