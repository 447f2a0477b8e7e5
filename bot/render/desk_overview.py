"""The desk lead's part of a manager's App Home (QUAL-2): the whole desk at a glance, each case
with Show (and Take it where the manager may take it), each list cut to a few rows with
"and N more" pointing at the `/case list` that shows them all."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DividerBlock

from bot.desk import CaseSummary
from bot.desk_overview import DeskOverview, GroupLoad
from bot.render.cards import ACTION_TAKE
from bot.render.common import buttons, context, fields_section, safe, section, user, when
from bot.render.figures import headlines
from bot.render.sla_notes import ACTION_SHOW
from config.policy import Policy

NAME_WIDTH = 26
SUMMARY_MAX = 120


def overview_blocks(policy: Policy, desk: DeskOverview) -> list[Block]:
    """The overview, top of the Home: load, what needs a lead now, then the week's figures."""
    blocks: list[Block] = [
        section(":bar_chart: *The whole desk*"),
        section(f"*Open cases by group and priority*\n{_table(policy, desk.load)}"),
    ]
    majors = desk.untaken_majors
    blocks += _titled(
        f":rotating_light: *Untaken major incidents* ({majors.total})",
        "None: every major incident has a coordinator.",
        shown=bool(majors.rows),
    )
    for i, case in enumerate(majors.rows):
        text = f"{_head(case)} · in the queue of {case.group_name}"
        blocks += _row(desk, case, text, f"major_{i}")
    blocks += _more(majors.more, "/case list unassigned")
    today = desk.breaches_today
    blocks += _titled(
        f":red_circle: *Breaches today* ({today.total})",
        "No clock missed its target today.",
        shown=bool(today.rows),
    )
    for i, breach in enumerate(today.rows):
        text = f"{_head(breach.case)} · {breach.label} missed {when(breach.breached_at)}"
        blocks += _row(desk, breach.case, text, f"breach_{i}")
    blocks += _more(today.more, "/case list breached")
    risky = desk.at_risk
    blocks += _titled(
        f":hourglass_flowing_sand: *Clocks at risk* ({risky.total})",
        "No clock at risk.",
        shown=bool(risky.rows),
    )
    for i, item in enumerate(risky.rows):
        due = when(item.due_at) if item.due_at else "soon"
        said = f"missed, was due {due}" if item.breached else f"due {due}"
        blocks += _row(desk, item.case, f"{_head(item.case)} · {item.label} {said}", f"risk_{i}")
    blocks += _more(risky.more, "/case list at-risk")
    handoffs = desk.handoffs
    blocks += _titled(
        f":handshake: *Handoffs waiting for an answer* ({handoffs.total})",
        "No handoff waits for an answer.",
        shown=bool(handoffs.rows),
    )
    for i, offer in enumerate(handoffs.rows):
        text = (
            f"{_head(offer.case)} · {user(offer.from_user)} → {user(offer.to_user)} · offered "
            f"{when(offer.offered_at)}"
        )
        blocks += _row(desk, offer.case, text, f"handoff_{i}")
    if handoffs.more:
        blocks.append(context(f"and {handoffs.more} more"))
    figures = desk.figures
    blocks += [
        section(f":chart_with_upwards_trend: *The week's figures* · {figures.period.label}"),
        fields_section(headlines(policy, figures)),
        context("Every figure with its counts: `/case figures`"),
    ]
    return blocks


def _titled(title: str, empty: str, *, shown: bool) -> list[Block]:
    return (
        [DividerBlock(), section(title)]
        if shown
        else [DividerBlock(), section(title), context(empty)]
    )


def _head(case: CaseSummary) -> str:
    return f"*{case.ref}* · {case.priority} · {safe(case.summary, SUMMARY_MAX)}"


def _row(desk: DeskOverview, case: CaseSummary, text: str, block_id: str) -> list[Block]:
    specs: list[tuple[str, str, str, str | None]] = [("Show", ACTION_SHOW, str(case.number), None)]
    if case.number in desk.takeable:
        specs.append(("Take it", ACTION_TAKE, str(case.number), "primary"))
    return [section(text), buttons(f"desk_{block_id}", *specs)]


def _more(count: int, command: str) -> list[Block]:
    return [context(f"and {count} more: `{command}`")] if count > 0 else []


def _table(policy: Policy, load: list[GroupLoad]) -> str:
    """A fixed-width table in a code block: one row per group, one column per priority."""
    if not load:
        return "No open cases."
    priorities = list(policy.priorities)
    head = f"{'Group':<{NAME_WIDTH}}" + "".join(f"{p:>4}" for p in priorities) + "  All"
    lines = [head]
    for row in load:
        name = row.name if len(row.name) <= NAME_WIDTH else row.name[: NAME_WIDTH - 1] + "…"
        counts = "".join(f"{row.by_priority.get(p, 0):>4}" for p in priorities)
        lines.append(f"{name:<{NAME_WIDTH}}{counts}{row.total:>5}")
    totals = "".join(f"{sum(r.by_priority.get(p, 0) for r in load):>4}" for p in priorities)
    lines.append(f"{'All groups':<{NAME_WIDTH}}{totals}{sum(r.total for r in load):>5}")
    return "```" + safe("\n".join(lines)) + "```"
