"""The alert worker: threads that work accepted notifications into cases, woken when one is
accepted and otherwise looking every `interval` seconds (a notification accepted by another
process, or one set aside to retry). Claims keep threads and processes apart."""

from __future__ import annotations

from collections.abc import Callable

from bot.desk.alerts import AlertsArea
from bot.worker_threads import WorkerThreads

# Two threads a process on both databases: SQLite has one writer, so more only queue at it; on
# PostgreSQL eight were no faster in bench-alerts (new cases wait for the case-number row lock)
# and slowed the answers (request threads wait for the GIL and the connection pool).
WORKERS = 2


class AlertWorker:
    def __init__(self, area: AlertsArea) -> None:
        self.area = area
        self._threads = WorkerThreads(area.work_next, name="alerts")

    def wake(self) -> None:
        self._threads.wake()

    def send_wakes_to(self, send: Callable[[], None]) -> None:
        self._threads.send_wakes_to(send)

    def start(self, *, interval: float = 1.0, workers: int = WORKERS) -> None:
        self._threads.start(interval=interval, workers=workers)

    def stop(self) -> None:
        self._threads.stop()
