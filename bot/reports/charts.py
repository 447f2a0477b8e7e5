"""The weekly report's three charts as PNG (matplotlib's Agg canvas, no pyplot: no global state,
safe in the dispatcher's threads). Okabe-Ito colours, which readers with any common colour
vision deficiency can tell apart; every chart has a title, axis labels and a legend, and alt
text that says what it shows in numbers, for readers who cannot see it."""

from __future__ import annotations

import io
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.reports.series import AGE_BUCKETS, ATTAINMENT_METRICS, Attainment, DailyVolume, OpenByAge
from bot.sla import METRIC_LABELS

# Okabe & Ito (2008), "Color Universal Design": black left out, kept for text.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442")
WIDTH, HEIGHT, DPI = 10.0, 5.625, 120  # 1200 x 675 pixels: Slack's preview is 16:9
ALT_MAX = 1000  # files.getUploadURLExternal refuses longer alt text


@dataclass(frozen=True)
class Chart:
    """One PNG and the words that go with it: its file name, title and alt text."""

    filename: str
    title: str
    alt_text: str
    png: bytes


def _figure() -> Figure:
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def cases_per_day(volume: DailyVolume, period: str) -> Chart:
    """Stacked bars: cases recorded each day, one colour per priority."""
    title = f"Cases per day by priority, {period}"
    figure = _figure()
    axes = figure.add_subplot()
    labels = [f"{d:%a} {d.day}" for d in volume.days]
    bottom = [0] * len(labels)
    shown = {p: c for p, c in volume.counts.items() if sum(c)} or volume.counts
    colours = {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(volume.counts)}  # stable
    for priority, counts in shown.items():
        axes.bar(labels, counts, bottom=bottom, label=priority, color=colours[priority])
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    axes.set_title(title)
    axes.set_xlabel("Day (desk time)")
    axes.set_ylabel("Cases first contacted")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(title="Priority", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    totals = ", ".join(f"{p} {sum(c)}" for p, c in shown.items())
    busiest = max(range(len(labels)), key=lambda i: bottom[i]) if labels else None
    alt = (
        f"Bar chart of cases first contacted per day by priority, {period}: {sum(bottom)} in all "
        f"({totals})."
    )
    if busiest is not None and bottom[busiest]:
        alt += f" Busiest day {labels[busiest]} with {bottom[busiest]}."
    return Chart("cases-per-day.png", title, alt[:ALT_MAX], _png(figure))


def sla_attainment(found: Attainment, priorities: list[str], period: str) -> Chart:
    """Grouped bars: the share of first-response and resolution clocks met, per priority that
    had a clock met or breached ("–" over a clock with none)."""
    title = f"SLA attainment per priority, {period}"
    decided = {p for p, _ in [*found.met, *found.breached]}
    priorities = [p for p in priorities if p in decided]
    figure = _figure()
    axes = figure.add_subplot()
    width = 0.8 / len(ATTAINMENT_METRICS)
    words = []
    for index, metric in enumerate(ATTAINMENT_METRICS):
        shares = [found.share(p, metric) for p in priorities]
        xs = [
            i + (index - (len(ATTAINMENT_METRICS) - 1) / 2) * width for i in range(len(priorities))
        ]
        bars = axes.bar(
            xs, [100 * (s or 0) for s in shares], width, label=METRIC_LABELS[metric],
            color=PALETTE[index],
        )  # fmt: skip
        axes.bar_label(bars, labels=[_counted(found, p, metric) for p in priorities], fontsize=8)
        words += [
            f"{METRIC_LABELS[metric].lower()} {p} {_counted(found, p, metric)}"
            for p in priorities
            if found.share(p, metric) is not None
        ]
    axes.set_xticks(range(len(priorities)), priorities)
    axes.set_ylim(0, 115)
    axes.set_title(title)
    axes.set_xlabel("Priority")
    axes.set_ylabel("Clocks met (%)")
    axes.legend(title="SLA clock", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    alt = f"Bar chart of the share of SLA clocks met per priority, {period}: " + (
        "; ".join(words) if words else "no clock was met or breached"
    )
    return Chart("sla-attainment.png", title, (alt + ".")[:ALT_MAX], _png(figure))


def _counted(found: Attainment, priority: str, metric: str) -> str:
    """ "75% of 4", or "none decided"."""
    share = found.share(priority, metric)
    if share is None:
        return "–"
    decided = found.met.get((priority, metric), 0) + found.breached.get((priority, metric), 0)
    return f"{round(100 * share)}% of {decided}"


def open_by_age(found: OpenByAge, as_of: str) -> Chart:
    """Stacked horizontal bars: each group's open cases by age."""
    title = f"Open cases by age and group, {as_of}"
    figure = _figure()
    axes = figure.add_subplot()
    groups = list(found.counts)
    left = [0] * len(groups)
    for index, bucket in enumerate(AGE_BUCKETS):
        counts = [found.counts[g][index] for g in groups]
        axes.barh(groups, counts, left=left, label=bucket, color=PALETTE[index])
        left = [a + c for a, c in zip(left, counts, strict=True)]
    axes.invert_yaxis()  # the group with most open cases on top
    axes.set_title(title)
    axes.set_xlabel("Open cases")
    axes.set_ylabel("Group")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(title="Age", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    parts = [
        f"{g} {sum(found.counts[g])} ("
        + ", ".join(f"{b} {n}" for b, n in zip(AGE_BUCKETS, found.counts[g], strict=True) if n)
        + ")"
        for g in groups
    ]
    alt = f"Bar chart of open cases by age and group, {as_of}: " + (
        "; ".join(parts) if parts else "no open cases"
    )
    return Chart("open-by-age.png", title, (alt + ".")[:ALT_MAX], _png(figure))
