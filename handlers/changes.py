"""WORK-3 in Slack: `/change add`, `/change remove` and `/change list` (the forward schedule of
change), and the one-click "Close: planned outage" on a case recorded inside a planned window."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.changes import Window
from bot.desk import Desk
from bot.errors import UserFacingError
from bot.render.cards import ACTION_PLANNED_OUTAGE
from bot.render.common import when
from bot.text import escape
from bot.views.results import error_message
from handlers.modal_buttons import pair
from handlers.replies import actor_of, button

HELP = """*Forward schedule of change*: `/change` commands
• `/change add <service> <start> <end, or a length like 2h> <title>` — a planned window; \
cases on that service recorded inside it are flagged and close in one click. Start and end \
read like `/case estimate`: `now`, `30m`, `22:00`, `morning`, `2026-11-24 22:00` (the desk's \
time zone)
• `/change remove CHG-12 [why]` — take a window off the schedule (whoever entered it, the \
command center or a manager); open cases it flagged lose the flag
• `/change list [service]` — current and upcoming windows"""


def register(app: App, desk: Desk) -> None:
    @app.command("/change")
    def change_command(ack: Ack, command: dict[str, Any]) -> None:
        text = (command.get("text") or "").strip()
        verb, _, rest = text.partition(" ")
        try:
            if verb.lower() == "add":
                window = desk.closing.add_change(actor=str(command["user_id"]), text=rest.strip())
                ack(
                    text=f"Added *{window.ref}* on `{window.service_key}`: {escape(window.title)} "
                    f"({when(window.starts_at)} – {when(window.ends_at)}). Cases on that service "
                    "recorded in the window are flagged."
                )
            elif verb.lower() == "remove":
                window, unflagged = desk.closing.remove_change(
                    actor=str(command["user_id"]), text=rest.strip()
                )
                ack(text=_removed(window, unflagged))
            elif verb.lower() == "list":
                ack(text=_listing(desk, rest.strip().lower() or None))
            else:
                ack(text=HELP)
        except UserFacingError as exc:
            ack(**error_message(str(exc)))

    def planned(body: dict[str, Any]) -> dict[str, Any]:
        summary = desk.closing.close_planned_outage(pair(body)[0], actor=actor_of(body))
        done = "closed" if summary.state == "closed" else "sent for a manager's approval"
        return {"text": f"{summary.ref} is {done} as a planned outage."}

    button(app, ACTION_PLANNED_OUTAGE, planned)


def _removed(window: Window, unflagged: list[str]) -> str:
    text = f"Removed *{window.ref}* on `{window.service_key}`: {escape(window.title)}."
    if unflagged:
        return (
            f"{text} No longer flagged as inside it: {', '.join(unflagged)} (noted on their "
            "timelines; their one-click planned-outage close is gone)."
        )
    return f"{text} No open case was flagged by it."


def _listing(desk: Desk, service: str | None) -> str:
    if service is not None and service not in desk.policy.services:
        raise UserFacingError(
            f"`{service}` is not a service in the catalog. Services: "
            f"{', '.join(desk.policy.services)}."
        )
    found = desk.closing.planned_changes(service_key=service)
    if not found:
        return (
            "No planned changes ahead."
            if service is None
            else f"No planned changes on `{service}`."
        )
    lines = [
        f"• *{w.ref}* `{w.service_key}` {when(w.starts_at)} – {when(w.ends_at)}: {escape(w.title)}"
        for w in found[:30]
    ]
    return "*Forward schedule of change*\n" + "\n".join(lines)
