"""The App Home tab: what needs the person now (handoffs to answer, clocks at risk), then their
cases by role, then their groups' queues with "Take it"."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot import desk_overview, home
from bot.desk import CaseSummary
from bot.desk.views import summarize
from bot.desk_overview import DeskOverview
from bot.home import AtRisk, HomeData
from bot.render.cards import ACTION_CONFIRM, ACTION_CORRECT, ACTION_TAKE
from bot.render.common import buttons, context, duration, safe, section, user, when
from bot.render.desk_overview import overview_blocks
from bot.vocabulary import STATES
from config.policy import Policy

MAX_BLOCKS = 100


def home_tab(session: Session, policy: Policy, viewer: str, *, now: datetime) -> View:
    """The person's Home as it is now, read in the delivering session; a manager's begins
    with the whole desk (QUAL-2)."""
    summary = partial(summarize, policy)
    data = home.load(session, policy, viewer, summary, now=now)
    overview = None
    if policy.has_role(viewer, "managers"):
        overview = desk_overview.load(session, policy, viewer, summary, now=now)
    return home_view(policy, data, viewer, overview)


def home_view(
    policy: Policy, data: HomeData, viewer: str, overview: DeskOverview | None = None
) -> View:
    blocks: list[Block] = [HeaderBlock(text=policy.desk_name[:150])]
    if overview is not None:
        blocks += [*overview_blocks(policy, overview), DividerBlock()]
        blocks.append(section(":bust_in_silhouette: *Your own cases*"))
    if data.handoffs:
        blocks.append(section(":handshake: *Handoffs waiting for your answer*"))
        note = "Accept or decline it from the brief in your DMs"
        blocks += [_line(case, note) for case in data.handoffs]
    if data.at_risk:
        blocks += [
            section(":hourglass_flowing_sand: *Your cases at risk, soonest first*"),
            section("\n".join(_at_risk_line(item) for item in data.at_risk)),
            context(
                f"Clocks past {round(policy.warn_fraction * 100)} % of their target or due "
                f"within {duration(policy.at_risk_within.total_seconds())}, and missed ones"
            ),
        ]
    mine = (
        ("You coordinate", data.coordinating),
        ("You follow", data.following),
        ("You asked for", data.requested),
    )
    if not any(cases for _, cases in mine):
        blocks.append(section("You have no open cases. Type `/case` to open one."))
    for title, cases in mine:
        if cases:
            staff = cases is not data.requested  # a requester never sees the desk's flags
            blocks += [DividerBlock(), section(f"*{title}* ({len(cases)})")]
            blocks += [_line(case, flags=staff) for case in cases]
    for group, pending in data.queues:
        blocks += [DividerBlock(), section(f"*Queue of {group.name}* ({len(pending)} waiting)")]
        if not pending:
            blocks.append(context("Nothing waiting."))
        for case in pending:
            blocks += [_line(case, flags=True), _queue_buttons(case)]
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], context("More in the queues and `/case show`.")]
    return View(type="home", blocks=blocks)


def _at_risk_line(item: AtRisk) -> str:
    case = item.case
    if item.breached:
        due = f"missed, was due {when(item.due_at)}" if item.due_at else "missed"
        head = f":red_circle: *{case.ref}* · {case.priority} · {item.label} {due}"
    else:
        due = when(item.due_at) if item.due_at else "soon"
        head = f":hourglass_flowing_sand: *{case.ref}* · {case.priority} · {item.label} due {due}"
    return f"{head} · {safe(case.summary, 120)}"


def _queue_buttons(case: CaseSummary) -> Block:
    """Take it; INTAKE-5's Confirm and Correct classification while the case needs validation
    (only those while it waits to go major)."""
    value = str(case.number)
    specs: list[tuple[str, str, str, str | None]] = []
    if not case.held_for_validation:
        specs.append(("Take it", ACTION_TAKE, value, "primary"))
    if case.needs_validation:
        primary = "primary" if case.held_for_validation else None
        specs.append(("Confirm", ACTION_CONFIRM, value, primary))
        specs.append(("Correct classification", ACTION_CORRECT, value, None))
    return buttons(f"take_{case.number}", *specs)


def _line(case: CaseSummary, note: str = "", *, flags: bool = False) -> Block:
    state = STATES.get(case.state, case.state)
    text = (
        f"*{case.ref}* · {case.priority} {case.priority_label} · {state} · "
        f"coordinator {user(case.coordinator_id)}\n{safe(case.summary, 300)}"
    )
    if flags and case.held_for_validation:
        text += "\n:rotating_light: *needs validation* before the major-incident path starts"
    elif flags and case.needs_validation:
        text += "\n:mag: *needs validation*"
    if note:
        text += f"\n_{note}_"
    return section(text)
