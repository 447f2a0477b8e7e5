"""Issue 7, the database: PostgreSQL stopped in the middle of a run. Requests during the outage get
"try again in a moment" (never a trace), nothing is half-written, and once the server is back the
same requests work and the outbox delivers what was waiting. Runs where PostgreSQL's server
programs are installed (CI installs them); it starts a server of its own."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from store.db import Database
from tests.conftest import world_settings
from tests.helpers import case_count, last_ephemeral, outbox
from tests.pg_server import NEEDED, Server

# Its own PostgreSQL server, whichever database the pass is on: the PostgreSQL pass would repeat it.
pytestmark = [NEEDED, pytest.mark.sqlite_pass_only]


def test_a_postgresql_restart_mid_run_loses_nothing_and_says_try_again(
    own_postgres: Server,
) -> None:
    settings = world_settings(own_postgres.url)
    world: World = build_world(settings, clock=Clock())
    try:
        dana = Driver(world=world, user="U0DESK01")
        dana.command("/case new Printer jams on floor 2 service=printers urgency=low for=@alex")
        assert case_count(world) == 1
        sent = len(outbox(world))

        own_postgres.ctl("stop", "-m", "fast")
        down = Driver(world=world, user="U0DESK01", settle_after=False)
        answer = down.command("/case new Scanner offline service=printers urgency=low for=@jordan")
        assert answer is not None and "try again in a moment" in str(answer["text"])
        assert "Traceback" not in str(answer)
        ravi = Driver(world=world, user="U0EUC01", settle_after=False)
        take = ravi.find_button("Take it", channel="C0EUCQ")
        ravi.click(take)
        assert "try again in a moment" in last_ephemeral(world, "U0EUC01")

        own_postgres.start()
        assert case_count(world) == 1, "nothing was half-written during the outage"
        assert len(outbox(world)) == sent
        dana.command("/case new Scanner offline service=printers urgency=low for=@jordan")
        dana.press("Record a new case anyway")  # CASE-1001 is on printers, within the hour
        ravi_up = Driver(world=world, user="U0EUC01")
        ravi_up.click(take)
        world.runtime.dispatcher.drain()
        assert case_count(world) == 2
        assert {i.status for i in outbox(world)} == {"delivered"}, "the outbox resumed"
        assert "You took CASE-1001" in last_ephemeral(world, "U0EUC01")
    finally:
        world.close()


def test_a_pooled_connection_the_server_closed_while_idle_is_replaced_before_use(
    own_postgres: Server,
) -> None:
    """The server ends idle sessions (a restart, an idle timeout, an administrator): the next
    request gets a fresh connection instead of an error, without a ping on every checkout."""
    db = Database(own_postgres.url)
    try:
        with db.reading() as session, db.transaction() as other:  # two pooled connections
            session.execute(text("SELECT 1"))
            other.execute(text("SELECT 1"))
        admin = create_engine(own_postgres.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            ended = connection.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            ).scalar()
            assert ended == 2
            for _ in range(100):  # the sessions end just after the call returns
                if not connection.exec_driver_sql(_OTHERS).scalar():
                    break
                time.sleep(0.05)
        admin.dispose()
        with db.reading() as session:
            assert session.execute(text("SELECT 1")).scalar() == 1
        with db.transaction() as session:
            assert session.execute(text("SELECT 2")).scalar() == 2
    finally:
        db.dispose()


_OTHERS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
)
