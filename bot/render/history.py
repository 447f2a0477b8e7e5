"""WORK-4's `/case history`: the timeline in pages, newest first, each entry with who, when,
what, old -> new and why; a requester sees only the customer-facing entries (PERM-2)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.render.common import (
    as_dicts,
    buttons,
    context,
    readable_times,
    safe,
    section,
    user,
    when,
)
from bot.render.estimate_notes import promise_text
from bot.text import clip
from store.models import Case, CaseEvent

_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")
ACTION_OLDER = "history_older"
ACTION_NEWER = "history_newer"
LABELS = {
    "recorded": "recorded the case",
    "state": "state",
    "priority": "priority",
    "coordinator": "coordinator",
    "group": "group",
    "note": "note",
    "customer_update": "wrote to the requester",
    "requester_reply": "the requester replied",
    "status_update": "status update",
    "estimate": "estimate",
    "escalated": "escalated",
    "transferred": "transferred",
    "returned": "returned to owner",
    "handoff_offered": "offered the case to",
    "handoff_accepted": "accepted the handoff",
    "handoff_declined": "declined the handoff",
    "consult": "consulted",
    "waiting": "waiting on the requester",
    "cc_test_asked": "command-center test asked, round",
    "cc_test": "command-center test answer",
    "cc_test_outcome": "command-center test outcome",
    "status_update_due": "reminded to post a status update",
    "sla_warning": "SLA warning",
    "sla_breach": "SLA breach",
    "taken": "took the case from the queue of",
    "routed": "routed",
    "promise_due": "promised contact due",
    "needs_validation": "flagged: needs validation",  # INTAKE-5
    "held_for_validation": "held for validation",
    "validated": "validation",
}
CUSTOMER_TEXT = {"customer_update", "requester_reply", "status_update", "waiting"}
ENTRY_MAX = 150
LINE_MAX = 290  # ten lines fit in one 3,000-character section


def history_message(
    case: Case,
    events: Sequence[CaseEvent],
    *,
    page: int,
    page_size: int,
    requester_view: bool,
) -> dict[str, object]:
    """Page 1 is the newest `page_size` entries; Older and Newer move through the rest."""
    pages = max(1, -(-len(events) // page_size))
    page = min(max(page, 1), pages)
    newest_first = list(reversed(events))
    shown = newest_first[(page - 1) * page_size : page * page_size]
    title = f"*Timeline of {case.ref}* · {safe(case.summary, 150)} · page {page} of {pages}"
    if requester_view:
        title += " · what the desk shared with you"
    lines = [_line(e, requester_view=requester_view) for e in shown] or ["No entries yet."]
    blocks: list[Block] = [section(title), section("\n".join(lines))]
    nav: list[tuple[str, str, str, str | None]] = []
    if page < pages:
        nav.append(("Older", ACTION_OLDER, f"{case.number}:{page + 1}", None))
    if page > 1:
        nav.append(("Newer", ACTION_NEWER, f"{case.number}:{page - 1}", None))
    if nav:
        blocks.append(buttons(f"history_{case.number}", *nav))
    blocks.append(context(f"{len(events)} entries · newest first"))
    return {"text": f"Timeline of {case.ref}, page {page} of {pages}", "blocks": as_dicts(blocks)}


def last_entries(events: Sequence[CaseEvent], count: int) -> str:
    return "\n".join(_line(e, requester_view=False) for e in list(events)[-count:][::-1])


def _line(event: CaseEvent, *, requester_view: bool) -> str:
    who = user(event.actor_id) if event.actor_id else "Casedesk"
    what = LABELS.get(event.kind, event.kind.replace("_", " "))
    if event.field and event.field not in (event.kind, "state") and event.kind not in LABELS:
        what = f"{what} ({event.field})"
    change = ""
    if event.old_value or event.new_value:
        old = _value(event.old_value)
        new = _value(event.new_value)
        change = f": {old} → {new}" if event.old_value else f": {new}"
    author = str((event.detail or {}).get("author") or "")
    if event.kind == "note" and author and author != event.actor_id:
        what = f"note of {user(author)}'s message"
    why = ""
    if event.reason and (not requester_view or event.kind in CUSTOMER_TEXT):
        why = f" — {_shown(event.reason)}"
    if requester_view and event.kind not in CUSTOMER_TEXT:
        change = change if event.kind in ("state", "priority", "estimate") else ""
    return clip(f"• {when(event.at)} · {who} · {what}{change}{why}", LINE_MAX)


def _value(raw: str | None) -> str:
    if raw is None:
        return "none"
    if raw.startswith(("U", "W")) and raw[1:].isalnum() and raw.isupper() and len(raw) <= 12:
        return user(raw)
    return _shown(raw)


def _shown(raw: str) -> str:
    """Stored text as the timeline shows it: escaped, its ISO times as dates, and the people the
    desk itself named (`<@U…>`, never typed by a person: their text arrives plain) as mentions."""
    return _MENTION.sub(r"<@\1>", readable_times(safe(raw, ENTRY_MAX)))


def join_brief(case: Case, events: Sequence[CaseEvent], *, count: int) -> dict[str, object]:
    """WORK-4: what someone joining the case channel reads first, only to them."""
    head = (
        f":wave: *Welcome to {case.ref}* · {case.priority} · {safe(case.summary, 200)}\n"
        f"Requester {user(case.requester_id)} · coordinator {user(case.coordinator_id)} · "
        f"state {case.state.replace('_', ' ')} · next promised contact: {promise_text(case)}"
    )
    blocks: list[Block] = [section(head)]
    if count and events:
        blocks.append(section(f"*Latest on the timeline*\n{last_entries(events, count)}"))
    blocks.append(
        context("The brief is pinned in this channel. `/case history` shows the whole timeline.")
    )
    return {
        "text": f"Welcome to {case.ref}: the brief and the latest entries",
        "blocks": as_dicts(blocks),
    }
