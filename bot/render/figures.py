"""`/case figures` as Block Kit (QUAL-2): one section per figure, every rate with the counts
behind it ("78 % (39 of 50)"), long lists cut to their largest rows, within Slack's limits (50
blocks, 3,000 characters a section). `headlines` is the short form for a Home or a report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot.figures import ClockTally, DeskFigures, Durations, Share, TimeTo, ValidationTally
from bot.render.common import SECTION_MAX, as_dicts, context, duration, section, when
from bot.sla import METRIC_LABELS
from bot.surveys import QuestionScore
from bot.text import clip, escape
from bot.vocabulary import CATEGORIES, CONTACT_CHANNELS, REQUEST_TYPES, label
from config.policy import Policy

SHOWN = 10  # rows of a long list (groups, services) before "…and n more"
DIMENSIONS = {
    "request_type": ("Request type", REQUEST_TYPES),
    "category": ("Category", CATEGORIES),
    "contact_channel": ("Contact channel", CONTACT_CHANNELS),
    "priority": ("Priority", {}),
}


def percent(fraction: float) -> str:
    """`78 %`, rounded half up (0.785 is 79 %), as people round."""
    return f"{int(fraction * 100 + 0.5)} %"


def rate(share: Share, *, of: str = "") -> str:
    """`78 % (39 of 50)`; `none yet (0 of 0)` when there is nothing to divide."""
    whole = f"{share.whole} {of}".rstrip()
    if share.rate is None:
        return f"none yet (0 of {whole})"
    return f"{percent(share.rate)} ({share.part} of {whole})"


def headlines(policy: Policy, figures: DeskFigures) -> list[tuple[str, str]]:
    """The few figures a desk lead reads first, as (label, value) pairs."""
    fcr = figures.first_contact
    met = Share(
        part=sum(t.met for t in figures.sla), whole=sum(t.met + t.breached for t in figures.sla)
    )
    return [
        ("Cases", f"{figures.cases} in, {figures.closed} closed"),
        (
            "First-contact resolution",
            f"{rate(fcr.resolved)} · goal {percent(fcr.goal)}",
        ),
        ("SLA clocks met", rate(met)),
        ("Median first response", _median(figures.first_response)),
        ("Median resolution", _median(figures.resolution)),
        ("Open now", str(sum(row.total for row in figures.open_by_age))),
    ]


def figures_message(policy: Policy, figures: DeskFigures) -> dict[str, Any]:
    """The whole answer to `/case figures`, ephemeral."""
    title = f"Desk figures · {figures.period.label}"
    blocks: list[Block] = [
        HeaderBlock(text=clip(title, 150)),
        context(*_about(policy, figures)),
    ]
    for heading, lines in _topics(policy, figures):
        blocks.append(DividerBlock())
        blocks += [section(chunk) for chunk in _chunks(f"*{heading}*", lines)]
    blocks.append(
        context("How each figure is counted: docs/figures.md · `/case figures help` for periods")
    )
    return {"text": title, "blocks": as_dicts(blocks[:50])}


def _about(policy: Policy, figures: DeskFigures) -> list[str]:
    f = figures.filters
    parts = [f"from {when(figures.period.start)} until {when(figures.period.end)}"]
    if f.group:
        parts.append(f"group {escape(policy.groups[f.group].name)}")
    else:
        parts.append(f"groups: {escape(figures.scope.label(policy))}")
    if f.service:
        parts.append(f"service {escape(policy.services[f.service].name)}")
    if f.priority:
        parts.append(f"priority {f.priority}")
    parts.append(f"{_cases(figures.cases)} in, {figures.closed} closed")
    return parts


def _topics(policy: Policy, figures: DeskFigures) -> list[tuple[str, list[str]]]:
    fcr = figures.first_contact
    verdict = {True: "meets the goal", False: ":warning: below the goal", None: ""}[fcr.meets_goal]
    return [
        (
            "First-contact resolution (CLOSE-6)",
            [
                f"{rate(fcr.resolved, of='resolving closes')} · goal "
                f"{percent(fcr.goal)} {verdict}".rstrip(),
                f"Reopened: {rate(figures.reopened, of='resolving closes')}",
            ],
        ),
        ("SLA attainment (share met of clocks met or breached)", _sla(policy, figures.sla)),
        (
            "Time to first response and to resolution",
            [
                _time("First response", figures.first_response),
                _time("Resolution", figures.resolution),
            ],
        ),
        ("Reassignments", _reassignments(policy, figures)),
        ('"I don\'t know" answers at intake (INTAKE-6)', _unknowns(figures)),
        ("Needs validation: forms and alerts (INTAKE-5)", _validation(figures)),
        ("Unsupported services (CLASSIFY-2)", _unsupported(figures)),
        ("Knowledge base (KB-3, KB-4)", _kb(figures)),
        ("Surveys (QUAL-1)", _surveys(figures)),
        ("Open cases now, by age", _open(policy, figures)),
        ("Volume (cases in)", _volume(policy, figures)),
    ]


def _sla(policy: Policy, tallies: Sequence[ClockTally]) -> list[str]:
    if not tallies:
        return ["No SLA clock started in this period."]
    lines = []
    for priority in dict.fromkeys(t.priority for t in tallies):
        parts = [
            f"{METRIC_LABELS[t.metric].lower()} {rate(t.met_share)}, {t.breached} breached, "
            f"{t.running} running" + (f", {t.stopped} stopped" if t.stopped else "")
            for t in tallies
            if t.priority == priority
        ]
        name = policy.priorities.get(priority, priority)
        lines.append(f"• *{priority}* {escape(name)}: " + " · ".join(parts))
    return lines


def _time(what: str, time: TimeTo) -> str:
    if not time.business.count:
        return f"• {what}: none met in this period"
    return (
        f"• {what} ({_cases(time.business.count)}): business time {_stats(time.business)} · "
        f"wall time {_stats(time.wall)}"
    )


def _stats(d: Durations) -> str:
    return f"mean {_d(d.mean)}, median {_d(d.median)}, 90th percentile {_d(d.p90)}"


def _d(seconds: float | None) -> str:
    if seconds is None:
        return "none"
    return f"{round(seconds)} s" if seconds < 60 else duration(seconds)


def _median(time: TimeTo) -> str:
    if not time.business.count:
        return "none yet"
    return f"{_d(time.business.median)} business ({_cases(time.business.count)})"


def _validation(figures: DeskFigures) -> list[str]:
    v = figures.validation
    if not v.by_channel:
        return ["No self-service form or monitoring alert came in."]
    lines = [_tally(label(CONTACT_CHANNELS, t.channel), t) for t in v.by_channel]
    total = v.total
    validated = Share(part=total.confirmed + total.corrected, whole=total.flagged)
    lines.append(f"Validated by a person: {rate(validated, of='flagged')}")
    if v.to_validate.count:
        lines.append(f"Time to validate (wall time): {_stats(v.to_validate)}")
    return lines


def _tally(name: str, t: ValidationTally) -> str:
    return (
        f"• {escape(name)}: {t.flagged} flagged · {t.confirmed} confirmed · "
        f"{t.corrected} corrected · {t.waiting} still waiting · "
        f"{t.closed_unvalidated} closed unvalidated"
    )


def _reassignments(policy: Policy, figures: DeskFigures) -> list[str]:
    r = figures.reassignments
    lines = [
        f"{r.per_case:.2f} per case ({r.reassignments} over {_cases(r.cases)} in): "
        f"escalations {r.escalations}, transfers {r.transfers}"
    ]
    for moves in r.groups[:SHOWN]:
        group = policy.groups.get(moves.group)
        lines.append(
            f"• *{escape(group.name if group else moves.group)}*: escalated in "
            f"{moves.escalated_in}, out {moves.escalated_out} · transferred in "
            f"{moves.transferred_in}, out {moves.transferred_out} · returned "
            f"{moves.returned_out}"
        )
    return _more(lines, len(r.groups), "groups")


def _unknowns(figures: DeskFigures) -> list[str]:
    shown = [u for u in figures.unknowns if u.answered]
    if not shown:
        return ['No "I don\'t know" answer in this period.']
    return [
        f"• {escape(u.label)}: {u.answered} · completed later "
        f"{rate(Share(part=u.completed, whole=u.answered))}"
        for u in shown
    ]


def _unsupported(figures: DeskFigures) -> list[str]:
    found = figures.unsupported
    if not found.services:
        return ["No case named a service missing from the catalog or marked unsupported."]
    cases = sum(s.cases for s in found.services)
    lines = [f"{_cases(cases)}, {duration(found.time_spent.total_seconds())} open in all"]
    for s in found.services[:SHOWN]:
        where = "marked unsupported" if s.in_catalog else "not in the catalog"
        lines.append(
            f"• *{escape(s.name)}* ({where}): {_cases(s.cases)}, {s.open_cases} open, "
            f"{duration(s.time_spent.total_seconds())}"
        )
    return _more(lines, len(found.services), "services")


def _kb(figures: DeskFigures) -> list[str]:
    kb = figures.kb
    closes = Share(
        part=kb.closes_with_article, whole=kb.closes_with_article + kb.closes_without_article
    )
    return [
        f"Suggestions shown {kb.shown} · opened {kb.opened} · sent to requesters {kb.sent}",
        f'"Fixed it" {kb.fixed} · "did not help" {kb.not_helped} · "made it worse" {kb.made_worse}',
        f"Article applied at close: {rate(closes, of='resolving closes')} · closed without an "
        f"article: {kb.closes_without_article}",
    ]


def _surveys(figures: DeskFigures) -> list[str]:
    s = figures.surveys
    lines = [
        f"Answered: {rate(Share(part=s.answered, whole=s.sent), of='sent')} · "
        f"{s.completed} complete"
    ]
    lines += [_question(q) for q in s.questions if q.answers]
    return lines


def _question(q: QuestionScore) -> str:
    counts = ", ".join(f"{escape(name)} {n}" for name, n in q.choices)
    mean = f"{q.mean:.1f} of {q.scale}" if q.mean is not None else "none"
    answers = "1 answer" if q.answers == 1 else f"{q.answers} answers"
    return f"• {escape(q.text)} {mean} ({answers}: {counts})"


def _open(policy: Policy, figures: DeskFigures) -> list[str]:
    rows = figures.open_by_age
    if not rows:
        return ["No case is open."]
    total = sum(r.total for r in rows)
    lines = [f"{total} open · under 1 day / 1-3 days / 3-7 days / 7 days or more"]
    for r in sorted(rows, key=lambda r: -r.total)[:SHOWN]:
        group = policy.groups.get(r.group or "")
        name = group.name if group else "not yet routed"
        lines.append(
            f"• *{escape(name)}*: {r.under_1d} / {r.d1_to_3} / {r.d3_to_7} / {r.over_7d} "
            f"({r.total})"
        )
    return _more(lines, len(rows), "groups")


def _volume(policy: Policy, figures: DeskFigures) -> list[str]:
    lines = []
    for v in figures.volume:
        name, vocabulary = DIMENSIONS[v.dimension]
        if v.dimension == "priority":
            vocabulary = {k: f"{k} {n}" for k, n in policy.priorities.items()}
        counts = ", ".join(f"{escape(label(vocabulary, value))} {n}" for value, n in v.counts)
        lines.append(f"• {name}: {counts or 'none'}")
    return lines


def _cases(n: int) -> str:
    return f"{n} case" if n == 1 else f"{n} cases"


def _more(lines: list[str], count: int, what: str) -> list[str]:
    if count > SHOWN:
        lines.append(f"…and {count - SHOWN} more {what}")
    return lines


def _chunks(heading: str, lines: list[str]) -> list[str]:
    """The heading and lines as section texts, split at line ends under Slack's limit."""
    chunks: list[list[str]] = [[heading]]
    size = len(heading)
    for line in lines:
        if size + len(line) + 1 > SECTION_MAX:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    return ["\n".join(chunk) for chunk in chunks]
