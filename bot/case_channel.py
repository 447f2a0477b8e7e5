"""Bringing people into a case's channel, which is created on first need (ROUTE-3, ROUTE-5).

A major case gets its channel at routing (ROUTE-1); any other case gets one the first time
someone is handed it or consulted on it. The channel's creation is an outbox item, so until it
is delivered `case.channel_id` is empty: the pending item is what says it is already on its way.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import notices as n
from bot.notices import CASE_CHANNEL, Notice
from bot.routing import case_channel_name
from store.models import Case, OutboxItem, OutboxStatus


def join(session: Session, case: Case, users: Iterable[str]) -> list[Notice]:
    """Invite `users`; first create the channel and pin the brief if the case has none."""
    people = n.invite(users)
    if case.channel_id is not None or _creation_under_way(session, case):
        return [people]
    return [
        n.create_case_channel(case_channel_name(case)),
        people,
        n.post(CASE_CHANNEL, "case_brief", key=n.brief_key(case)),
        n.pin(n.brief_key(case)),
    ]


def _creation_under_way(session: Session, case: Case) -> bool:
    session.flush()
    found = session.execute(
        select(OutboxItem.id)
        .where(
            OutboxItem.case_id == case.id,
            OutboxItem.operation == "create_channel",
            OutboxItem.status != OutboxStatus.FAILED,
        )
        .limit(1)
    ).scalar_one_or_none()
    return found is not None
