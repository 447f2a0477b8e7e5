"""The weekly report's words: its headline figures, posted with the three charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.figures import DeskFigures
from bot.render.common import when
from bot.render.figures import headlines
from bot.reports.charts import Chart
from bot.reports.period import Days
from bot.reports.series import Attainment, DailyVolume, OpenByAge
from config.policy import Policy


@dataclass(frozen=True)
class Report:
    """One week's figures and series, and the charts drawn from them."""

    days: Days
    figures: DeskFigures
    volume: DailyVolume
    attainment: Attainment
    open_by_age: OpenByAge
    charts: tuple[Chart, ...]


def headline(policy: Policy, report: Report, *, due_at: datetime, late: bool) -> str:
    """mrkdwn for the message the charts are shared with: the figures a desk lead reads first
    (the same as `/case figures`), and a word when the report comes late."""
    lines = [f"*Weekly report, {report.days.label()}* · {policy.desk_name}"]
    if late:
        lines.append(
            f":hourglass: Late: this report was due {when(due_at)}, when the desk was not "
            "running; it is posted once, now."
        )
    lines += [f"• *{label}*: {value}" for label, value in headlines(policy, report.figures)]
    return "\n".join(lines)
