"""Issue 7, the database busy: another connection holds the write lock (a long report, a
vacuum, a migration on a replica's primary). Writes wait for it instead of failing (SQLite's
busy timeout; PostgreSQL's lock queue), and a slash command whose work runs past the
acknowledgement deadline answers "working on it" in time for Slack, then the real answer
through its response_url: the case is recorded once and the person sees what happened."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.ack_deadline import STILL_WORKING
from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from config.settings import SettingsError, load_settings
from tests.conftest import world_settings
from tests.helpers import cases, message_text

DANA = "U0DESK01"
HELD_SECONDS = 1.2


@pytest.fixture
def patient_world(database_url: str, clock: Clock) -> Iterator[World]:
    """The demo desk with a short acknowledgement deadline, so a held lock outlasts it."""
    settings = world_settings(database_url, ack_deadline_seconds=0.2)
    built = build_world(settings, clock=clock)
    yield built
    built.close()


@contextmanager
def held_busy(database_url: str, seconds: float) -> Iterator[None]:
    """Another connection takes the write lock on the cases and lets go after `seconds`."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(url.database or "", isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(seconds, other.rollback)
    else:
        engine = create_engine(database_url)
        connection = engine.connect()
        connection.exec_driver_sql("LOCK TABLE cases IN EXCLUSIVE MODE")
        release = threading.Timer(seconds, connection.rollback)
    release.start()
    try:
        yield
    finally:
        release.join()
        if url.get_backend_name() == "sqlite":
            other.close()
        else:
            connection.close()
            engine.dispose()


def test_a_command_held_up_by_a_busy_database_answers_in_time_and_records_once(
    patient_world: World, database_url: str
) -> None:
    dana = Driver(world=patient_world, user=DANA)
    with held_busy(database_url, HELD_SECONDS):
        ack = dana.command(
            "/case new Label printer on floor 3 jams service=printers urgency=medium for=@alex"
        )
    assert ack is not None and ack["text"] == STILL_WORKING
    shown = [message_text(e.text, e.blocks) for e in patient_world.standin.ephemerals(DANA)]
    late = [text for text in shown if "CASE-1001" in text]
    assert len(late) == 1 and "Recorded" in late[0], shown
    assert [c.number for c in cases(patient_world)] == [1001]


@pytest.mark.parametrize("raw", ["0", "3", "soon", "-1"])
def test_an_acknowledgement_deadline_out_of_range_is_refused_with_the_fix(raw: str) -> None:
    with pytest.raises(SettingsError, match=r"CASEDESK_ACK_DEADLINE_SECONDS.*0\.1 to 2\.5"):
        load_settings({"CASEDESK_ACK_DEADLINE_SECONDS": raw})
