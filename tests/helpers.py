"""Small readers over the sandbox and the database, shared by the tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from store.models import Case, CaseEvent, OutboxItem

P1_ANSWERS = {
    "Requester": "alex",
    "Summary": "Email is down for everyone",
    "Affected service": "E-mail and calendars",
    "Request type": "Incident resolution",
    "Category": "Software",
    "How many people": "Most of the organisation",
    "Who is affected": "Customers or the public",
    "Is a business-critical": "Yes",
    "How badly": "Work has stopped",
    "What changed recently": "I don't know",
}


def fill_and_submit(driver: Driver, answers: dict[str, str]) -> dict[str, Any] | None:
    for label, value in answers.items():
        driver.fill(label, value)
    return driver.submit()


def cases(world: World) -> list[Case]:
    with world.runtime.db.transaction() as session:
        found = list(session.execute(select(Case).order_by(Case.number)).scalars())
        for case in found:
            _ = case.parties, case.events, case.clocks  # load while the session is open
        return found


def case_count(world: World) -> int:
    with world.runtime.db.transaction() as session:
        return int(session.execute(select(func.count(Case.id))).scalar_one())


def events(world: World, number: int, kind: str | None = None) -> list[CaseEvent]:
    with world.runtime.db.transaction() as session:
        query = select(CaseEvent).join(Case).where(Case.number == number)
        if kind:
            query = query.where(CaseEvent.kind == kind)
        return list(session.execute(query.order_by(CaseEvent.id)).scalars())


def outbox(world: World) -> list[OutboxItem]:
    with world.runtime.db.transaction() as session:
        return list(session.execute(select(OutboxItem).order_by(OutboxItem.id)).scalars())


def texts(world: World, channel: str, *, threads: bool = False) -> list[str]:
    """The channel's messages (not thread replies, unless asked) as strings of their text and
    block texts."""
    return [message_text(m.text, m.blocks) for m in top_level(world, channel, threads=threads)]


def top_level(world: World, channel: str, *, threads: bool = False) -> list[Any]:
    """What the channel shows: messages, without the replies in their threads."""
    return [
        m
        for m in world.standin.messages(channel)
        if threads or not m.thread_ts or m.thread_ts == m.ts
    ]


def dm_texts(world: World, user: str) -> list[str]:
    return texts(world, world.standin.dm_channel_id(user))


def last_ephemeral(world: World, user: str) -> str:
    eph = world.standin.ephemerals(user)[-1]
    return message_text(eph.text, eph.blocks)


def message_text(text: str, blocks: list[dict[str, Any]]) -> str:
    parts = [text]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(parts)


class StillClock(Clock):
    """Time that moves only when the test moves it, so every recorded second is known."""

    def __init__(self, start: datetime) -> None:
        super().__init__()
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now
