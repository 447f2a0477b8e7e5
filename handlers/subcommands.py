"""The `/case` subcommand registry: each feature module lists its subcommands with a usage line,
so `/case help` is built from what exists and never drifts from it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.desk import Desk, parse_case_ref
from bot.errors import UserFacingError

Run = Callable[[Desk, str, dict[str, Any], WebClient], dict[str, Any]]
CASE_REF = re.compile(r"^(?:CASE-)?\d+$", re.IGNORECASE)
# Subcommands whose only argument is the case: a stray word there is a mistyped number.
REF_ONLY = frozenset({"take", "show", "sla", "resume", "history"})


@dataclass(frozen=True, kw_only=True)
class Subcommand:
    """`/case <name> <usage>`: what it does in one line, and the function that does it."""

    name: str
    usage: str
    summary: str
    run: Run
    # What a requester is told instead, where the command does less for them (PERM-2).
    requester_usage: str | None = None
    requester_summary: str | None = None

    def help_line(self, *, staff: bool = True) -> str:
        usage = self.usage if staff or self.requester_usage is None else self.requester_usage
        summary = (
            self.summary if staff or self.requester_summary is None else self.requester_summary
        )
        shown = f" {usage}" if usage else ""
        return f"• `/case {self.name}{shown}` — {summary}"


def case_and_rest(desk: Desk, text: str, command: dict[str, Any], verb: str) -> tuple[int, str]:
    """`CASE-1042 rest...`, or just `rest...` inside the case's own channel. There a bare
    number is the command's own argument (`/case history 2` is page 2); name another case with
    its CASE- prefix."""
    first, _, rest = text.partition(" ")
    if CASE_REF.match(first) and not first.isdigit():  # CASE-1042 names its case anywhere
        return parse_case_ref(first), rest.strip()
    number = desk.contact.case_in_channel(str(command.get("channel_id", "")))
    if CASE_REF.match(first) and number is None:  # a bare number, outside a case channel
        return parse_case_ref(first), rest.strip()
    if number is None and first and verb in REF_ONLY:
        parse_case_ref(first)  # says what is wrong with it
    if number is None:
        raise UserFacingError(
            f"Name the case: `/case {verb} CASE-1042 ...`, or run it in the case's own channel."
        )
    return number, text


# PERM-2: what `/case help` lists for someone in no desk role; the rest answer them with a
# refusal that names the role needed, and what they can do instead.
REQUESTER_VERBS = frozenset({"new", "show", "history", "withdraw", "list", "search", "help"})
REQUESTER_HINT = (
    "For your own requests you can use `/case` (report a problem), `/case list`, "
    "`/case search printer jams`, `/case show CASE-1042`, `/case history CASE-1042` and "
    "`/case withdraw CASE-1042`."
)


def staff_only(desk: Desk, command: dict[str, Any], what: str) -> str:
    """The acting user, if they are on the desk or in a resolver group (PERM-2)."""
    user = str(command["user_id"])
    desk.require_staff(user, to=what)  # PERM-1 is decided in the desk layer
    return user


DEFAULT_DAYS = 30
MAX_DAYS = 366


def period_days(text: str, verb: str) -> int:
    """The `[days]` of a figures subcommand: 30 when left out, 1 to 366 when given."""
    days = text.strip() or str(DEFAULT_DAYS)
    if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
        raise UserFacingError(f"Give the period in days, 1 to {MAX_DAYS}: `/case {verb} 30`.")
    return int(days)
