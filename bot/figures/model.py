"""The figures of QUAL-2 as frozen values: every rate carries the counts behind it, so what is
shown is always "78 % (39 of 50)" and a chart or a CSV can be drawn from the same value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.figures.period import Period
from bot.figures.scope import Scope
from bot.reassign_report import ReassignmentFigures
from bot.surveys import SurveyFigures
from bot.unsupported_report import UnsupportedReport


@dataclass(frozen=True, kw_only=True)
class Share:
    """`part` of `whole`; the rate is None when there is nothing to divide."""

    part: int
    whole: int

    @property
    def rate(self) -> float | None:
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True, kw_only=True)
class Filters:
    """`group=`, `service=`, `priority=`: keys as the policy spells them; None is any."""

    group: str | None = None
    service: str | None = None
    priority: str | None = None


@dataclass(frozen=True, kw_only=True)
class FirstContact:
    """CLOSE-6: closes with a resolving code in the period; those resolved on first contact."""

    resolved: Share  # part: first-contact resolutions, whole: resolving closes
    goal: float  # 0.8 for 80 %

    @property
    def meets_goal(self) -> bool | None:
        rate = self.resolved.rate
        return None if rate is None else rate >= self.goal


@dataclass(frozen=True, kw_only=True)
class ClockTally:
    """SLA-2: one priority's clocks of one metric, over the cases first contacted in the
    period: met in time, breached (met late or not at all), still running, stopped unmet."""

    priority: str
    metric: str
    met: int
    breached: int
    running: int
    stopped: int

    @property
    def met_share(self) -> Share:
        return Share(part=self.met, whole=self.met + self.breached)


@dataclass(frozen=True, kw_only=True)
class Durations:
    """Mean, median and 90th percentile, in seconds, of `count` durations; None when empty."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None


@dataclass(frozen=True, kw_only=True)
class TimeTo:
    """Time to first response or to resolution, in the clock's business time and wall time."""

    metric: str
    business: Durations
    wall: Durations


@dataclass(frozen=True, kw_only=True)
class UnknownAnswers:
    """INTAKE-6: a classification field answered "I don't know", and later completed."""

    field: str
    label: str
    answered: int
    completed: int


@dataclass(frozen=True, kw_only=True)
class KbUsefulness:
    """KB-3/KB-4: article events in the period, and what the period's resolving closes applied."""

    shown: int
    opened: int
    sent: int
    fixed: int
    not_helped: int
    made_worse: int
    closes_with_article: int
    closes_without_article: int


@dataclass(frozen=True, kw_only=True)
class OpenByAge:
    """Open cases now, in one group (None: not yet routed), by age since first contact."""

    group: str | None
    under_1d: int
    d1_to_3: int
    d3_to_7: int
    over_7d: int

    @property
    def total(self) -> int:
        return self.under_1d + self.d1_to_3 + self.d3_to_7 + self.over_7d


@dataclass(frozen=True, kw_only=True)
class Volume:
    """Cases first contacted in the period, by one dimension, largest first."""

    dimension: str
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True, kw_only=True)
class ValidationTally:
    """INTAKE-5 for one contact channel: cases flagged "needs validation" and what became of
    the flag."""

    channel: str  # "" for all channels together
    flagged: int
    confirmed: int
    corrected: int
    waiting: int  # still flagged, still open
    closed_unvalidated: int  # closed (withdrawn, a duplicate...) while still flagged


@dataclass(frozen=True, kw_only=True)
class ValidationFigures:
    """The automated contacts of the period by channel, and the wall time from first contact
    to a person's confirm or correction."""

    by_channel: tuple[ValidationTally, ...]
    to_validate: Durations

    @property
    def total(self) -> ValidationTally:
        rows = self.by_channel
        return ValidationTally(
            channel="",
            flagged=sum(t.flagged for t in rows),
            confirmed=sum(t.confirmed for t in rows),
            corrected=sum(t.corrected for t in rows),
            waiting=sum(t.waiting for t in rows),
            closed_unvalidated=sum(t.closed_unvalidated for t in rows),
        )


@dataclass(frozen=True, kw_only=True)
class DeskFigures:
    """Everything `/case figures` shows, for one period, scope and filter."""

    period: Period
    scope: Scope
    filters: Filters
    generated_at: datetime
    cases: int  # first contacted in the period
    closed: int  # closed in the period
    first_contact: FirstContact
    sla: tuple[ClockTally, ...]
    first_response: TimeTo
    resolution: TimeTo
    reopened: Share  # part: resolving closes reopened at least once
    reassignments: ReassignmentFigures
    unknowns: tuple[UnknownAnswers, ...]
    unsupported: UnsupportedReport
    kb: KbUsefulness
    surveys: SurveyFigures
    open_by_age: tuple[OpenByAge, ...]
    volume: tuple[Volume, ...]
    validation: ValidationFigures
