"""`/case sla`: every clock of a case with its target, elapsed, left, paused and state."""

from __future__ import annotations

from typing import Any

from bot.desk import CaseSummary
from bot.render.common import as_dicts, context, duration, section, when
from bot.sla import ClockView

ICONS = {
    "running": ":large_green_circle:",
    "warned": ":large_yellow_circle:",
    "breached": ":red_circle:",
    "paused": ":double_vertical_bar:",
    "met": ":white_check_mark:",
    "met late": ":heavy_check_mark:",
}


def clocks_message(case: CaseSummary, views: list[ClockView]) -> dict[str, Any]:
    lines = []
    for view in views:
        if view.state.startswith("met"):
            left = f"met after {duration(view.elapsed_seconds)}"
        elif view.left_seconds >= 0:
            left = f"{duration(view.left_seconds)} left"
        else:
            left = f"{duration(-view.left_seconds)} over"
        due = (
            f" · due {when(view.due_at)}"
            if view.due_at and not view.state.startswith("met")
            else ""
        )
        paused = f" · paused {duration(view.paused_seconds)}" if view.paused_seconds >= 60 else ""
        lines.append(
            f"{ICONS.get(view.state, '')} *{view.label}* · {view.state} · target "
            f"{duration(view.target_seconds)} · elapsed {duration(view.elapsed_seconds)} · "
            f"{left}{paused}{due}"
        )
    calendar = views[0].calendar if views else "none"
    blocks = [
        section(f"*SLA clocks of {case.ref}* · {case.priority} {case.priority_label}"),
        section("\n".join(lines) or "No clocks."),
        context(
            f"Business hours: {calendar}",
            "times count only while the calendar is open and "
            "the case is not waiting on the requester",
        ),
    ]
    return {"text": f"SLA clocks of {case.ref}", "blocks": as_dicts(blocks)}
