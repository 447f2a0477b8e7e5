"""`/case unsupported [days]` (CLASSIFY-2): the services people named that are missing from the
catalog, and the catalog's unsupported ones, with the time the desk spent on them. Staff only."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.desk import Desk
from bot.render.common import duration, when
from bot.text import escape
from bot.unsupported_report import UnsupportedReport, UnsupportedService
from handlers.subcommands import Subcommand, period_days, staff_only

SHOWN = 25


def _unsupported(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    staff_only(desk, command, "read the unsupported-services report")
    days = period_days(text, "unsupported")
    found = desk.work.unsupported_services(days=days, actor=str(command["user_id"]))
    return {"text": report_text(found, days)}


def report_text(found: UnsupportedReport, days: int) -> str:
    if not found.services:
        return (
            f"*Unsupported services, last {days} days*: no case named a service missing from "
            "the catalog or marked unsupported."
        )
    cases = sum(s.cases for s in found.services)
    lines = [
        f"*Unsupported services, last {days} days*: {cases} cases, "
        f"{duration(found.time_spent.total_seconds())} spent in all",
        *(_line(s) for s in found.services[:SHOWN]),
    ]
    if len(found.services) > SHOWN:
        lines.append(f"…and {len(found.services) - SHOWN} more")
    lines.append(
        "_Time spent: each case from first contact to its close, or to now while open. Add the "
        "services people keep naming to config/catalog.yml, or tell them where to go instead._"
    )
    return "\n".join(lines)


def _line(service: UnsupportedService) -> str:
    where = "in the catalog, marked unsupported" if service.in_catalog else "not in the catalog"
    return (
        f"• *{escape(service.name)}* ({where}): {service.cases} "
        f"{'case' if service.cases == 1 else 'cases'}, {service.open_cases} open · "
        f"{duration(service.time_spent.total_seconds())} spent · last contact "
        f"{when(service.last_contact)}"
    )


SUBCOMMANDS = [
    Subcommand(
        name="unsupported",
        usage="[days]",
        summary="services named that are not in the catalog, or unsupported, with the time "
        "spent on them (staff)",
        run=_unsupported,
    ),
]
