"""`/case figures [period] [group=…] [service=…] [priority=…]` (QUAL-2): the desk's figures,
ephemeral. Who may read which groups, and what the words mean, is decided in the desk layer."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.desk import Desk
from bot.figures.period import ALLOWED
from bot.render.figures import figures_message
from handlers.subcommands import Subcommand

USAGE = "[period] [group=…] [service=…] [priority=…]"


def _figures(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    if text.strip().lower() == "help":
        return {"text": help_text()}
    first, rest = text.strip().partition(" ")[::2]
    if first.lower() == "csv":
        return {"text": desk.reports.export_csv(text=rest, actor=str(command["user_id"]))}
    found = desk.reports.figures(text=text, actor=str(command["user_id"]))
    return figures_message(desk.policy, found)


def help_text() -> str:
    return (
        f"`/case figures {USAGE}`\n"
        f"• Period: {ALLOWED}, in the desk's time zone.\n"
        "• Filters: `group=` a provider group (yours, unless you are a manager), `service=` a "
        "catalog service, `priority=` e.g. `P2`.\n"
        "Example: `/case figures 30d group=network priority=P2`\n"
        "`/case figures csv [period] [filters]` sends the same cases as two CSV files (every "
        "case with its clocks, every timeline event) to your DM, for a spreadsheet."
    )


SUBCOMMANDS = [
    Subcommand(
        name="figures",
        usage=USAGE,
        summary="the desk's figures: first-contact resolution, SLA attainment, times, "
        "reassignments, surveys, open cases by age (managers: every group; staff: their own); "
        "`/case figures csv [period]` sends the cases and timeline as CSV files to your DM",
        run=_figures,
    ),
]
