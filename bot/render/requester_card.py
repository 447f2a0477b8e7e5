"""PERM-2: a requester's own view of their case, in plain words. It shows what the customer
needs to know (status, priority, who owns it, the next promise, the desk's last word) and
never a staff button or an internal note."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot import sla
from bot.estimates import KINDS
from bot.render.closure_notes import withdraw_button, withdrawable
from bot.render.common import as_dicts, context, fields_section, safe, section, user, when
from bot.render.message import Message, RenderContext
from bot.text import clip
from config.policy import Policy
from store.models import Case, CaseEvent

# What the requester last heard from the desk: messages in its voice and status updates.
UPDATE_KINDS = frozenset({"customer_update", "status_update"})
STATUS_WORDS = {
    "new": "Received; waiting for a technician",
    "pending": "Waiting for a technician",
    "assigned": "Being worked on",
    "in_progress": "Being worked on",
    "reopened": "Being worked on again",
    "waiting_on_coordinator": "A fix is being checked",
}


def status_words(policy: Policy, case: Case) -> str:
    """The case's state as a customer says it."""
    if case.state == "closed":
        code = policy.closure_code(case.closure_code or "")
        return f"Closed: {code.label if code else case.closure_code}"
    if case.state == "resolved":
        if case.verified_at is not None:
            return "Fixed, as you confirmed; closing soon"
        return "Fixed, we believe: waiting for your confirmation"
    if case.waiting_on == "requester":
        return "Waiting for your answer"
    return STATUS_WORDS.get(case.state, case.state.replace("_", " "))


def priority_words(policy: Policy, case: Case) -> str:
    label = policy.priorities.get(case.priority, "")
    return f"{label} ({case.priority})" if label else case.priority


def next_promise(policy: Policy, case: Case, now: datetime) -> str:
    """The nearest time the desk owes the requester something: the coordinator's estimate,
    else the SLA clock that runs for them (the same clocks as `/case sla`)."""
    if case.state == "closed":
        return "Nothing: the case is closed"
    if case.state == "resolved":
        return 'Your answer to "Is it working now?"' if case.verified_at is None else "The close"
    if case.waiting_on == "requester":
        return "On hold while we wait for your answer"
    if case.estimate_at is not None and case.estimate_kind is not None and case.estimate_at > now:
        return f"{KINDS[case.estimate_kind].capitalize()} by {when(case.estimate_at)}"
    clocks = {v.metric: v for v in sla.views(policy, case, now=now)}
    for metric, words in (
        ("first_response", "A first response by"),
        ("next_update", "An update by"),
        ("resolution", "Resolution by"),
    ):
        view = clocks.get(metric)
        if view is None or view.state.startswith("met"):
            continue
        if view.state == "paused":
            return "On hold while we wait for your answer"
        if view.due_at is not None:
            return f"{words} {when(view.due_at)}"
    return "None yet: the coordinator will tell you"


def last_update(case: Case) -> str:
    found: CaseEvent | None = next(
        (e for e in reversed(list(case.events)) if e.kind in UPDATE_KINDS), None
    )
    if found is None:
        return "None yet"
    return f"{when(found.at)}: {safe(found.new_value or '', 600)}"


def requester_card(ctx: RenderContext) -> Message:
    """`/case show` for the requester: their case in plain words, with Withdraw while open."""
    case, policy = ctx.case, ctx.policy
    blocks: list[Block] = [
        section(f"*{case.ref}* · {safe(case.summary, 300)}", block_id="summary"),
        fields_section(
            [
                ("Status", status_words(policy, case)),
                ("Priority", priority_words(policy, case)),
                ("Coordinator", user(case.coordinator_id)),
                ("Next promise", next_promise(policy, case, ctx.now)),
            ]
        ),
        section(f"*Last update from the desk*\n{last_update(case)}", block_id="last_update"),
        context(
            f"{policy.desk_name} · reply to the desk's messages here, or "
            f"`/case history {case.ref}` for everything shared with you"
        ),
    ]
    if withdrawable(case):
        blocks.append(withdraw_button(case))
    text = f"{case.ref}: {clip(case.summary, 150)} ({status_words(policy, case)})"
    return Message(text=text, blocks=as_dicts(blocks))
