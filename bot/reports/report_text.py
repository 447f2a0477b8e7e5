"""The weekly report's words: its headline figures, posted with the three charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.render.common import when
from bot.reports.charts import Chart
from bot.reports.period import Days
from bot.reports.series import ATTAINMENT_METRICS, Attainment, DailyVolume, OpenByAge
from bot.sla import METRIC_LABELS
from config.policy import Policy


@dataclass(frozen=True)
class Report:
    """One week's series and the charts drawn from them."""

    days: Days
    volume: DailyVolume
    attainment: Attainment
    open_by_age: OpenByAge
    charts: tuple[Chart, ...]


def headline(policy: Policy, report: Report, *, due_at: datetime, late: bool) -> str:
    """mrkdwn for the message the charts are shared with."""
    volume = report.volume
    total = sum(sum(c) for c in volume.counts.values())
    by_priority = ", ".join(f"{p} {sum(c)}" for p, c in volume.counts.items() if sum(c))
    lines = [f"*Weekly report, {report.days.label()}* · {policy.desk_name}"]
    if late:
        lines.append(
            f":hourglass: Late: this report was due {when(due_at)}, when the desk was not "
            "running; it is posted once, now."
        )
    lines.append(f"• Cases first contacted: *{total}*" + (f" ({by_priority})" if total else ""))
    for metric in ATTAINMENT_METRICS:
        met = sum(n for (_, m), n in report.attainment.met.items() if m == metric)
        breached = sum(n for (_, m), n in report.attainment.breached.items() if m == metric)
        decided = met + breached
        share = f"*{round(100 * met / decided)} %* ({met} of {decided})" if decided else "none"
        lines.append(f"• {METRIC_LABELS[metric]} SLA met: {share}")
    ages = report.open_by_age.counts
    open_now = sum(sum(c) for c in ages.values())
    oldest = sum(c[-1] for c in ages.values())
    lines.append(f"• Open now: *{open_now}*, {oldest} of them open 7 days or more")
    return "\n".join(lines)
