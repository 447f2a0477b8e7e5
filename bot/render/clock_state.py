"""The state of a case's clocks where staff see the case (SLA-2): at risk once past the warning
share of a target, breached once past it. Every time shown is the clock row's own due time, the
one `/case sla` prints."""

from __future__ import annotations

from bot import sla
from bot.render.common import duration, when
from bot.render.message import RenderContext
from bot.targets import due
from bot.vocabulary import STATES
from store.models import Case

AT_RISK = ":hourglass_flowing_sand:"
BREACHED = ":red_circle:"


def first_response_field(case: Case) -> tuple[str, str]:
    """INTAKE-3's target on the queue card and the brief, as the clock has it now."""
    first = due(case, "first_response")
    if first.state == "met" and first.at is not None:
        return ("First response", f"Met {when(first.at)}")
    if first.state == "paused":
        return ("First response due", "On hold while the case waits on the requester")
    if first.state == "stopped":
        state = STATES.get(case.state, case.state).lower()
        return ("First response", f"Stopped: the case is {state}")
    if first.at is None:
        return ("First response due", "No clock running")
    if first.state == "breached":
        return ("First response due", f"{BREACHED} Missed: was due {when(first.at)}")
    if first.state == "warned":
        return ("First response due", f"{AT_RISK} {when(first.at)}")
    return ("First response due", when(first.at))


def clock_alerts(ctx: RenderContext) -> list[str]:
    """One line per clock that is at risk or breached, breached first."""
    breached, at_risk = [], []
    for view in sla.views(ctx.policy, ctx.case, now=ctx.now):
        if view.state == "breached":
            was_due = f" · was due {when(view.due_at)}" if view.due_at else ""
            breached.append(
                f"{BREACHED} *{view.label} target missed*{was_due} · "
                f"{duration(-view.left_seconds)} over"
            )
        elif view.at_risk(ctx.now) and view.due_at is not None:
            at_risk.append(
                f"{AT_RISK} *{view.label} at risk* · due {when(view.due_at)} · "
                f"{duration(max(view.left_seconds, 0))} left"
            )
    return breached + at_risk
