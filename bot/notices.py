"""The Slack effects a workflow step causes, as plain values the outbox stores.

The workflow never calls Slack: it returns Notices, which are written to the outbox in the same
transaction as the change, and rendered and delivered by the dispatcher (DESIGN decision 1).
Templates render from the case as it is at delivery, so a card edited in place is never stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.policy import Policy
from store.models import Case, SlackMessage
from store.outbox import add_item

CASE_CHANNEL = "@case-channel"
AVAILABLE = "@available:"


def available(first: str, fallback: str) -> str:
    """A DM target: `first` if Slack shows them present, else `fallback` (decided at delivery)."""
    return first if first == fallback else f"{AVAILABLE}{first}:{fallback}"


@dataclass(frozen=True, kw_only=True)
class Notice:
    """One Slack effect: post/update a message, create the case channel, invite, pin."""

    operation: str
    target: str
    template: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    message_key: str | None = None
    public: str | None = None  # BCAST-3: "notice", "update" or "resolution" for subscribers


def post(target: str, template: str, *, key: str | None = None, **params: Any) -> Notice:
    """A message to a channel, a user's DM (user id) or the case channel; `key` edits in place."""
    return Notice(
        operation="post", target=target, template=template, params=params, message_key=key
    )


def announce(policy: Policy, template: str, kind: str, **params: Any) -> Notice:
    """BCAST-1/BCAST-3: a post to the broadcast channel that external subscribers get too
    (`kind`: the first notice, an update, the resolution); the notice card's key edits it."""
    key = params.pop("key", None)
    return Notice(
        operation="post",
        target=policy.broadcast_channel,
        template=template,
        params=params,
        message_key=key,
        public=kind,
    )


def create_case_channel(name: str) -> Notice:
    return Notice(operation="create_channel", target=name)


def invite(users: Iterable[str]) -> Notice:
    return Notice(operation="invite", target=CASE_CHANNEL, params={"users": sorted(set(users))})


def archive_case_channel() -> Notice:
    return Notice(operation="archive", target=CASE_CHANNEL)


def pin(key: str) -> Notice:
    return Notice(operation="pin", target=CASE_CHANNEL, params={"message_key": key})


def queue_key(case: Case) -> str:
    return f"queue:{case.id}"


def brief_key(case: Case) -> str:
    return f"brief:{case.id}"


def broadcast_key(case: Case) -> str:
    return f"broadcast:{case.id}"


def page(case: Case, on_call: str, *, reason: str) -> Notice:
    """ROUTE-1: a DM paging the on-call with Take it; keyed, so taking the case edits it. The
    key holds the case's version: a later page (after an escalation) is a new message."""
    return post(
        on_call, "page", key=f"{_page_prefix(case)}{on_call}:{case.version or 0}", reason=reason
    )


def refresh_pages(session: Session, case: Case) -> list[Notice]:
    """Re-render, in place, every page of this case that was delivered (a pending one renders
    the case as it is when it goes out anyway)."""
    keys = session.execute(
        select(SlackMessage.key).where(
            SlackMessage.key.startswith(_page_prefix(case), autoescape=True)
        )
    ).scalars()
    return [post(key.split(":")[2], "page", key=key) for key in sorted(keys)]


def _page_prefix(case: Case) -> str:
    return f"page:{case.id}:"


def refresh_cards(policy: Policy, case: Case) -> list[Notice]:
    """Re-render every card that shows this case, in place: queue, brief, broadcast."""
    cards = []
    if case.group_key:
        channel = policy.groups[case.group_key].queue_channel
        cards.append(post(channel, "queue_card", key=queue_key(case)))
    if case.channel_id or case.is_major:
        cards.append(post(CASE_CHANNEL, "case_brief", key=brief_key(case)))
    if case.is_major or any(e.kind == "major" for e in case.events):
        cards.append(post(policy.broadcast_channel, "broadcast_notice", key=broadcast_key(case)))
    return cards


def enqueue(
    session: Session,
    *,
    now: datetime,
    case: Case,
    notices: Iterable[Notice],
    policy: Policy | None = None,
) -> int:
    """Write the notices to the outbox in the case's lane (delivered in this order); an
    announcement also goes to the external subscribers of its service (BCAST-3), each in its
    own lane, in this same transaction."""
    count = 0
    for notice in notices:
        if notice.public is not None:
            if policy is None:
                raise ValueError("an announcement is enqueued with the policy (its subscribers)")
            # Imported here: the public document reads the workflow, which builds notices.
            from bot.subscribers.fanout import fan_out

            fan_out(
                session, policy, case, notice.public, now=now, event_id=notice.params.get("event")
            )
        add_item(
            session,
            now=now,
            lane=f"case:{case.id}",
            case_id=case.id,
            operation=notice.operation,
            target=notice.target,
            template=notice.template,
            params=notice.params,
            message_key=notice.message_key,
        )
        count += 1
    return count


def dedupe(notices: list[Notice]) -> list[Notice]:
    """A card re-rendered twice in one change needs one delivery."""
    seen: set[tuple[str, str, str | None]] = set()
    unique = []
    for notice in notices:
        marker = (notice.operation, notice.target, notice.message_key or str(notice.params))
        if notice.message_key and marker in seen:
            continue
        seen.add(marker)
        unique.append(notice)
    return unique
