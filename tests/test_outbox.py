"""DESIGN decision 1: the outbox and its dispatcher. Messages commit with the change, are
delivered in order per case, retried with backoff (Retry-After honoured), never doubled, and keep
Slack's ts so later changes edit the same message."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.command_text import fields_from_command
from bot.dispatcher import Dispatcher
from bot.sandbox.world import World
from store.models import SlackMessage
from tests.helpers import cases, events, outbox, texts, top_level


@pytest.fixture(autouse=True)
def no_suggestions(world: World) -> None:
    """These tests count the outbox of intake and routing alone, without WORK-2's cards."""
    world.runtime.desk.kb = None


def record(world: World, text: str) -> None:
    fields = fields_from_command(world.runtime.policy, text, reporter_id="U0DESK01")
    world.runtime.desk.intake.record(fields, check_duplicates=False)


def post_calls(world: World, channel: str) -> int:
    return sum(
        1
        for c in world.standin.calls
        if c.method == "chat.postMessage" and c.ok and c.args.get("channel") == channel
    )


def test_outbox_rows_commit_with_the_case_and_wait_for_delivery(world: World) -> None:
    record(world, "Printer jams service=printers urgency=medium")
    items = outbox(world)
    assert [i.template for i in items] == ["queue_card", "requester_ack"]
    assert all(i.status == "pending" for i in items)
    assert not texts(world, "C0EUCQ"), "nothing reaches Slack before the dispatcher runs"
    world.runtime.dispatcher.drain()
    assert all(i.status == "delivered" and i.slack_ts for i in outbox(world))


def test_outbox_honours_retry_after_and_delivers_once(world: World) -> None:
    world.standin.fail("chat.postMessage", status=429, retry_after=30)
    record(world, "Printer jams service=printers urgency=medium")
    dispatcher, clock = world.runtime.dispatcher, world.runtime.clock
    dispatcher.drain()
    first = outbox(world)[0]
    assert first.status == "pending" and first.last_error == "ratelimited"
    wait = (first.next_attempt_at - clock.now()).total_seconds()
    assert 25 < wait <= 30, "the next attempt waits for Retry-After"
    assert outbox(world)[1].status == "pending", "the case's lane waits behind its head"
    clock.advance(timedelta(seconds=31))
    dispatcher.drain()
    assert [i.status for i in outbox(world)] == ["delivered", "delivered"]
    assert post_calls(world, "C0EUCQ") == 1


def test_outbox_retries_server_errors_with_backoff(world: World) -> None:
    world.standin.fail("chat.postMessage", status=500, times=2)
    record(world, "Printer jams service=printers urgency=medium")
    dispatcher, clock = world.runtime.dispatcher, world.runtime.clock
    for _ in range(3):
        dispatcher.drain()
        clock.advance(timedelta(seconds=10))
    dispatcher.drain()
    assert [i.status for i in outbox(world)] == ["delivered", "delivered"]
    assert outbox(world)[0].attempts == 3
    assert len(texts(world, "C0EUCQ")) == 1


def test_outbox_keeps_the_ts_and_edits_the_same_message(world: World) -> None:
    record(world, "Printer jams service=printers urgency=medium")
    world.runtime.dispatcher.drain()
    with world.runtime.db.transaction() as session:
        location = session.execute(select(SlackMessage)).scalars().first()
        assert location is not None and location.channel == "C0EUCQ"
        ts = location.ts
    world.runtime.desk.work.take(1001, actor="U0EUC01")
    world.runtime.dispatcher.drain()
    (card,) = top_level(world, "C0EUCQ")
    assert card.ts == ts and card.edited
    assert any(c.method == "chat.update" and c.args.get("ts") == ts for c in world.standin.calls)


def test_outbox_refusal_is_final_and_goes_on_the_timeline(world: World) -> None:
    world.standin.fail("conversations.create", status=200, error="restricted_action")
    record(world, "Email down for everyone service=email impact=extensive urgency=high")
    world.runtime.dispatcher.drain()
    failed = {i.operation: i.last_error for i in outbox(world) if i.status == "failed"}
    assert failed["create_channel"] == "restricted_action"
    assert "the case channel does not exist" in (failed["invite"] or "")
    reasons = [e.reason for e in events(world, 1001, "delivery_failed")]
    assert any("restricted_action" in (r or "") for r in reasons)
    assert any("Major incident" in t for t in texts(world, "C0MAJOR")), "the rest still goes out"


def test_outbox_two_dispatchers_never_deliver_the_same_item(world: World) -> None:
    for i in range(15):
        record(world, f"Printer {i} jams on floor {i} service=printers urgency=medium")
    runtime = world.runtime
    second = Dispatcher(
        db=runtime.db, client=runtime.dispatcher.client, policy=runtime.policy, clock=runtime.clock
    )
    for _ in range(20):  # rate limits push some to later: move time on until all are out
        threads = [threading.Thread(target=d.drain) for d in (runtime.dispatcher, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if all(i.status == "delivered" for i in outbox(world)):
            break
        runtime.clock.advance(timedelta(seconds=30))
    assert all(i.status == "delivered" for i in outbox(world))
    assert post_calls(world, "C0EUCQ") == 15
    assert len(top_level(world, "C0EUCQ")) == 15
    assert len(cases(world)) == 15


def test_a_message_renders_without_holding_the_writer(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dispatcher claims an item in one short statement and renders it from a read
    session: while a card renders, another thread's write (an accepted alert, an intake) goes
    through instead of queueing behind it for SQLite's one writer."""
    import bot.dispatcher as dispatching

    record(world, "Printer jams service=printers urgency=medium")
    db, wrote = world.runtime.db, threading.Event()
    rendered, in_time = dispatching.render, []

    def render_while_another_writes(template: str, ctx: object) -> object:
        def write() -> None:
            with db.transaction() as session:
                session.execute(select(SlackMessage.key).limit(1))
            wrote.set()

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        writer.join(timeout=3)
        in_time.append(wrote.is_set())
        return rendered(template, ctx)  # type: ignore[arg-type]

    monkeypatch.setattr(dispatching, "render", render_while_another_writes)
    world.runtime.dispatcher.drain()
    assert in_time == [True, True], "a write waited for a render (the writer was held)"
    assert [i.status for i in outbox(world)] == ["delivered", "delivered"]
