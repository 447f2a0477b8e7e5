"""Issue 7's guarantees that need no outage to show: a retried event, a double click and a
retried command change things once; fifty simultaneous actions on one case leave one
coordinator and every successful change on the timeline; forged buttons are refused; secrets
never reach the logs."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import random
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bot.desk import Desk
from bot.errors import UserFacingError
from bot.reclassify import Reclassification
from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from store.db import Database
from store.migrate import migrate
from tests.conftest import as_user
from tests.helpers import cases, dm_texts, events, last_ephemeral, outbox
from tests.slack_http import SlackDesk, start_desk

DANA, ALEX, KENJI, OLGA, SAM = "U0DESK01", "U0USER01", "U0NET01", "U0NET02", "U0DESK02"


@pytest.fixture
def slack(tmp_path: Path) -> Iterator[SlackDesk]:
    with start_desk(tmp_path) as desk:
        yield desk


# -- duplicate deliveries ------------------------------------------------------------------------
def test_an_event_slack_retries_with_the_same_event_id_is_handled_once(
    world: World, dana: Driver
) -> None:
    dana.command("/case new Laptop fan is very loud service=laptops urgency=medium for=@alex")
    alex = as_user(world, "alex")
    alex.write_to_bot("CASE-1001: the fan is still loud after the update")
    assert alex.last_event is not None
    event, event_id = alex.last_event
    rows, sent = len(events(world, 1001)), len(outbox(world))
    alex.send_event(event, event_id=event_id, retry=1)
    alex.send_event(event, event_id=event_id, retry=2)
    assert len(events(world, 1001, "requester_reply")) == 1
    assert (len(events(world, 1001)), len(outbox(world))) == (rows, sent)


def test_a_retried_dm_that_asks_which_case_asks_once(world: World, dana: Driver) -> None:
    """bot/event_retries.py's own claim: the question "Which case is this about?" is sent once
    however often Slack delivers the same event (the question records nothing, so only the
    event-id claim stops a second one)."""
    dana.command("/case new Laptop fan is very loud service=laptops urgency=medium for=@alex")
    dana.command("/case new Printer jams on floor 2 service=printers for=@alex")
    dana.press("Record a new case anyway")
    alex = as_user(world, "alex")
    alex.write_to_bot("It is still not working")
    assert alex.last_event is not None
    event, event_id = alex.last_event
    asked = [t for t in dm_texts(world, ALEX) if t.startswith("Which case is this about?")]
    assert len(asked) == 1
    sent = len(outbox(world))
    alex.send_event(event, event_id=event_id, retry=1)
    alex.send_event(event, event_id=event_id, retry=2)
    assert [t for t in dm_texts(world, ALEX) if t.startswith("Which case is this about?")] == asked
    assert len(outbox(world)) == sent, "nothing else was queued either"
    assert not events(world, 1001, "requester_reply") and not events(world, 1002, "requester_reply")


def test_a_double_clicked_button_acts_once(world: World, dana: Driver) -> None:
    dana.command("/case new Wi-Fi slow in room 4 service=vpn urgency=low for=@alex")
    kenji = as_user(world, "kenji")
    take = kenji.find_button("Take it", channel="C0NETQ")
    kenji.click(take)
    sent = len(outbox(world))
    kenji.click(take)
    assert "already taken: <@U0NET01> has it" in last_ephemeral(world, KENJI)
    assert len(events(world, 1001, "taken")) == 1
    assert len(outbox(world)) == sent, "the second click sends nothing to anyone"


@pytest.mark.sqlite_pass_only  # the HTTP desk runs on its own SQLite file in either pass
def test_case_new_retried_with_the_same_trigger_records_one_case(slack: SlackDesk) -> None:
    trigger = slack.standin.issue_trigger_id(user_id=DANA)
    first = slack.command(DANA, "new Printer jams on floor 2 service=printers", trigger_id=trigger)
    again = slack.command(DANA, "new Printer jams on floor 2 service=printers", trigger_id=trigger)
    assert first.status_code == again.status_code == 200
    assert "Recorded CASE-1001" in first.text
    assert "already recorded as" in again.text and "CASE-1001" in again.text
    assert slack.case_count() == 1


# -- concurrency ---------------------------------------------------------------------------------
def test_fifty_simultaneous_actions_on_one_case_lose_nothing(world: World, dana: Driver) -> None:
    dana.command("/case new VPN drops for the Leeds office service=vpn urgency=medium for=@alex")
    desk: Desk = world.runtime.desk
    rng = random.Random(7)
    start = threading.Barrier(10)

    def note(n: int) -> Callable[[], object]:
        return lambda: desk.contact.add_note(1001, actor=rng.choice([DANA, SAM]), text=f"check {n}")

    def take(who: str) -> Callable[[], object]:
        return lambda: desk.work.take(1001, actor=who)

    def reclassify(n: int) -> Callable[[], object]:
        urgency = "high" if n % 2 else "low"
        change = Reclassification(urgency=urgency)
        return lambda: desk.work.reclassify(1001, change, actor=DANA, reason=f"round {n}")

    def handoff(n: int) -> Callable[[], object]:
        return lambda: desk.work.handoff(1001, actor=KENJI, to_user=OLGA, note=f"shift {n}")

    actions: list[tuple[str, Callable[[], object]]] = (
        [("note", note(n)) for n in range(25)]
        + [("take", take(rng.choice([KENJI, OLGA]))) for _ in range(10)]
        + [("reclassify", reclassify(n)) for n in range(10)]
        + [("handoff", handoff(n)) for n in range(5)]
    )
    rng.shuffle(actions)

    def run(action: tuple[str, Callable[[], object]]) -> tuple[str, str]:
        kind, call = action
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=5)
        try:
            call()
        except UserFacingError as exc:  # a refusal or "changed at the same moment": told
            return kind, f"refused: {exc}"
        return kind, "done"

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(run, actions))
    world.runtime.dispatcher.drain()

    done = {kind: sum(1 for k, r in outcomes if k == kind and r == "done") for kind, _ in actions}
    (case,) = cases(world)
    assert len(case.active_parties("coordinator")) == 1
    assert done["take"] == 1 and len(events(world, 1001, "taken")) == 1
    assert case.coordinator_id in (KENJI, OLGA, DANA)
    assert len(events(world, 1001, "note")) == done["note"], "every note that succeeded is there"
    reclassified = [e for e in events(world, 1001, "reclassified") if e.field == "urgency"]
    assert len({e.reason for e in reclassified}) == len(reclassified) <= done["reclassify"]
    assert len(events(world, 1001, "handoff_offered")) == done["handoff"] <= 1
    refusals = [r for _, r in outcomes if r != "done"]
    assert all(r.startswith("refused: ") and len(r) > 20 for r in refusals)


# -- security --------------------------------------------------------------------------------
def test_a_forged_button_value_cannot_act_on_a_case_the_user_may_not_touch(
    world: World, dana: Driver
) -> None:
    dana.command("/case new Printer offline service=printers urgency=low for=@alex")
    dana.command("/case new VPN down in Leeds service=vpn urgency=low for=@jordan")
    ravi = as_user(world, "ravi")
    take = ravi.find_button("Take it", channel="C0EUCQ")
    forged = dataclasses.replace(take, element={**take.element, "value": "1002"})
    ravi.click(forged)
    assert "Only members of Network Operations can take CASE-1002" in last_ephemeral(
        world, "U0EUC01"
    )
    assert cases(world)[1].state == "pending" and not events(world, 1002, "taken")


def test_tokens_and_secrets_never_reach_the_logs(
    world: World, dana: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    world.standin.fail("chat.postMessage", status=500, times=1)
    dana.command("/case new Outlook will not open service=email urgency=high for=@alex")
    dana.command("/case new bad service=teleporter")
    world.runtime.dispatcher.drain()
    secrets = ("xoxb-sandbox-token", world.signing_secret)
    assert caplog.text, "the run logged something"
    assert not [s for s in secrets if s in caplog.text]


# -- several processes on one SQLite file --------------------------------------------------------
def test_a_forked_worker_opens_its_own_sqlite_connections(tmp_path: Path) -> None:
    """gunicorn forks its workers after start-up has read and written the database: a worker
    must never use a connection its parent opened (SQLite forbids it across a fork)."""
    db = Database(f"sqlite:///{tmp_path / 'casedesk.db'}")
    migrate(db)

    def raw(session: Any) -> object:
        return session.connection().connection.dbapi_connection

    with db.reading() as session:
        parent_reader = raw(session)
    with db.transaction() as session:
        parent_writer = raw(session)
    db.after_fork()
    with db.reading() as session:
        assert raw(session) is not parent_reader
    with db.transaction() as session:
        assert raw(session) is not parent_writer
    db.dispose()
