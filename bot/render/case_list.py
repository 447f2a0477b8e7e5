"""`/case list` and `/case search` as an ephemeral message: one row per case with Show (and Take
it for staff who may take an untaken case), then Previous / Next, which read the list again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.case_lists import NextClock
from bot.render.cards import ACTION_TAKE
from bot.render.common import as_dicts, buttons, context, safe, section, user, when
from bot.render.requester_card import next_promise, status_words
from bot.render.sla_notes import ACTION_SHOW
from bot.vocabulary import STATES
from config.policy import Policy
from store.models import Case

ACTION_LIST_PAGE = "case_list_page"
ACTION_SEARCH_PAGE = "case_search_page"
SUMMARY_MAX = 150
AT_RISK = ":hourglass_flowing_sand:"
BREACHED = ":red_circle:"
REREAD = "Each page is read afresh, so cases may move between pages as they change."


@dataclass(frozen=True, kw_only=True)
class Listing:
    """A page of cases to draw, and what to say around it."""

    title: str
    order: str  # how the rows are ordered, said in the footer
    empty: str
    cases: Sequence[Case]
    clocks: dict[int, NextClock]
    notes: dict[int, str]  # a line under a row (where a search matched)
    takeable: frozenset[int]  # untaken cases the viewer may take (ROUTE-2's own check)
    total: int
    page: int
    pages: int
    page_action: str
    query: str  # carried on the page buttons, read again on the next page


def list_message(
    policy: Policy, listing: Listing, *, staff: bool, now: datetime
) -> dict[str, object]:
    """The page as Block Kit: staff rows with priority, state, coordinator and clock; a
    requester's in their own words, with no staff button."""
    count = f"{listing.total} {'case' if listing.total == 1 else 'cases'}"
    head = f"*{listing.title}* · {count}"
    if listing.pages > 1:
        head += f" · page {listing.page} of {listing.pages}"
    blocks: list[Block] = [section(head)]
    if not listing.cases:
        blocks.append(section(listing.empty))
    for case in listing.cases:
        text = (
            _staff_row(policy, case, listing.clocks.get(case.number))
            if staff
            else _requester_row(policy, case, now)
        )
        note = listing.notes.get(case.number)
        blocks.append(section(f"{text}\n_{note}_" if note else text))
        specs: list[tuple[str, str, str, str | None]] = [
            ("Show", ACTION_SHOW, str(case.number), None)
        ]
        if case.number in listing.takeable:
            specs.append(("Take it", ACTION_TAKE, str(case.number), "primary"))
        blocks.append(buttons(f"list_{case.number}", *specs))
    nav: list[tuple[str, str, str, str | None]] = []
    if listing.page > 1:
        nav.append(("Previous", listing.page_action, f"{listing.page - 1}|{listing.query}", None))
    if listing.page < listing.pages:
        nav.append(("Next", listing.page_action, f"{listing.page + 1}|{listing.query}", None))
    if nav:
        blocks.append(buttons("list_pages", *nav))
    foot = [listing.order]
    if listing.pages > 1:
        foot.append(REREAD)
    blocks.append(context(*foot))
    fallback = f"{listing.title}: {count}, page {listing.page} of {listing.pages}"
    return {"text": fallback, "blocks": as_dicts(blocks)}


def _staff_row(policy: Policy, case: Case, clock: NextClock | None) -> str:
    state = STATES.get(case.state, case.state)
    label = policy.priorities.get(case.priority, "")
    group = policy.groups.get(case.group_key or "")
    if case.state == "pending" and group is not None:
        who = f"untaken, in the queue of {group.name}"
    else:
        who = f"with {user(case.coordinator_id)}"
    parts = [f"*{case.ref}*", f"{case.priority} {label}".strip(), state, who]
    if case.is_major:
        parts.insert(1, ":rotating_light: major")
    if clock is not None:
        parts.append(_clock_text(clock))
    elif case.waiting_on == "requester":
        parts.append("clocks paused (waiting on the requester)")
    return " · ".join(parts) + f"\n{safe(case.summary, SUMMARY_MAX)}"


def _clock_text(clock: NextClock) -> str:
    if clock.breached:
        return f"{BREACHED} {clock.label} missed, was due {when(clock.due_at)}"
    mark = f"{AT_RISK} " if clock.at_risk else ""
    return f"{mark}{clock.label} due {when(clock.due_at)}"


def _requester_row(policy: Policy, case: Case, now: datetime) -> str:
    return (
        f"*{case.ref}* · {status_words(policy, case)} · with {user(case.coordinator_id)}\n"
        f"{safe(case.summary, SUMMARY_MAX)}\nNext: {next_promise(policy, case, now)}"
    )
