"""The alert worker: threads that work accepted notifications into cases, woken when one is
accepted and otherwise looking every `interval` seconds (a notification accepted by another
process, or one set aside to retry). Claims keep threads and processes apart."""

from __future__ import annotations

import logging
import threading

from bot.desk.alerts import AlertsArea

log = logging.getLogger(__name__)
# Two threads a process on both databases: SQLite has one writer, so more only queue at it; on
# PostgreSQL eight were no faster in bench-alerts (new cases wait for the case-number row lock)
# and slowed the answers (request threads wait for the GIL and the connection pool).
WORKERS = 2


class AlertWorker:
    def __init__(self, area: AlertsArea) -> None:
        self.area = area
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def wake(self) -> None:
        with self._wake:
            self._wake.notify_all()

    def start(self, *, interval: float = 1.0, workers: int = WORKERS) -> None:
        if self._threads:
            return
        self._stop.clear()
        for number in range(workers):
            thread = threading.Thread(
                target=self._loop, args=(interval,), name=f"alerts-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def _loop(self, interval: float) -> None:
        while not self._stop.is_set():
            try:
                worked = bool(self.area.work_next())
            except Exception:  # the loop must outlive a bad moment of the database
                log.exception("alert worker failed")
                worked = False
            if not worked:
                with self._wake:
                    self._wake.wait(interval)
