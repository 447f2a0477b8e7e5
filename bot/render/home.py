"""The App Home tab: the person's own open cases, most urgent first."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.desk import CaseSummary
from bot.render.common import context, safe, section, user, when
from bot.vocabulary import STATES
from config.policy import Policy


def home_view(
    policy: Policy,
    cases: list[CaseSummary],
    viewer: str,
    at_risk: list[tuple[CaseSummary, str, datetime]] | None = None,
) -> View:
    blocks: list[Block] = [HeaderBlock(text=f"{policy.desk_name}"[:150])]
    if at_risk:
        lines = [
            f"*{case.ref}* · {case.priority} · {metric} due {when(due)} · {safe(case.summary, 120)}"
            for case, metric, due in at_risk
        ]
        blocks += [
            section(":hourglass_flowing_sand: *Your cases at risk, soonest first*"),
            section("\n".join(lines)),
        ]
    if not cases:
        blocks.append(section("You have no open cases. Type `/case` to open one."))
    for case in cases[:20]:
        role = "you coordinate" if case.coordinator_id == viewer else "for you"
        blocks += [
            DividerBlock(),
            section(
                f"*{case.ref}* · {case.priority} {case.priority_label} · "
                f"{STATES.get(case.state, case.state)} · {role}\n{safe(case.summary, 300)}"
            ),
            context(
                f"Coordinator {user(case.coordinator_id)}",
                f"first response due {when(case.first_response_due)}",
            ),
        ]
    return View(type="home", blocks=blocks[:100])
