"""SQLite's one writer (store.db.WriterLock) across processes: a process that answers requests
goes before background processes that want the writer at the same time. Each Database here has
its own descriptors, so two of them in one test meet at the locks as two processes do."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from store.db import Database

ROUNDS = 40


def test_an_answer_waiting_for_the_writer_goes_before_a_background_stream(
    tmp_path: Path,
) -> None:
    """A companion writes back to back. An answer that starts waiting for the writer gets it
    as soon as the companion's current transaction ends: the companion starts no new one while
    the answer waits."""
    url = f"sqlite:///{tmp_path / 'writer.db'}"
    background, answering = Database(url), Database(url)
    background.after_fork(background=True)
    with background.transaction() as session:
        session.execute(text("CREATE TABLE log (n INTEGER PRIMARY KEY, who TEXT)"))
    started, waiting = threading.Event(), threading.Event()
    stop = threading.Event()

    def stream() -> None:
        while not stop.is_set():
            with background.transaction() as session:
                session.execute(text("INSERT INTO log (who) VALUES ('companion')"))
                started.set()
                waiting.wait(0.002)  # a transaction of some length, as an opening is

    worst = 0
    companion = threading.Thread(target=stream)
    companion.start()
    try:
        assert started.wait(5)
        for _ in range(ROUNDS):
            with answering.reading() as session:
                before = session.scalar(text("SELECT count(*) FROM log"))
            with answering.transaction() as session:
                during = session.scalar(text("SELECT count(*) FROM log"))
                session.execute(text("INSERT INTO log (who) VALUES ('answer')"))
            worst = max(worst, int(during) - int(before))
    finally:
        stop.set()
        companion.join(5)
        background.dispose()
        answering.dispose()
    # the companion's transaction under way when the answer began to wait, and at most one
    # that began between the answer's count and its wait (without the rule: 22-34 of them)
    assert worst <= 2, f"an answer waited behind {worst} background transactions"
