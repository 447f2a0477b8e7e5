"""Background threads that repeat one step of work: woken at once when work arrives, otherwise
looking again every `interval` seconds. The outbox's dispatcher and the alert worker both run
on it; their claims in the database keep threads and processes apart."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class WorkerThreads:
    """`step()` returns whether it found work; when it did not, the thread waits for wake()."""

    def __init__(self, step: Callable[[], object], *, name: str) -> None:
        self._step = step
        self._name = name
        self._wake = threading.Condition()
        self._wakes = 0  # wake() calls so far: one that comes during a step is not lost
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._elsewhere: Callable[[], None] | None = None

    def send_wakes_to(self, send: Callable[[], None]) -> None:
        """The threads run in another process (HTTP mode's companion): wake() calls `send`."""
        self._elsewhere = send

    def wake(self) -> None:
        if self._elsewhere is not None:
            self._elsewhere()
        else:
            self._notify()

    def _notify(self) -> None:
        with self._wake:
            self._wakes += 1
            self._wake.notify_all()

    def start(self, *, interval: float, workers: int) -> None:
        if self._threads:
            return
        self._stop.clear()
        for number in range(workers):
            thread = threading.Thread(
                target=self._loop, args=(interval,), name=f"{self._name}-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self._notify()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def _loop(self, interval: float) -> None:
        while not self._stop.is_set():
            with self._wake:
                seen = self._wakes
            try:
                worked = bool(self._step())
            except Exception:  # the loop must outlive a bad moment of the database
                log.exception("%s failed", self._name)
                worked = False
            if not worked:
                with self._wake:
                    if self._wakes == seen:  # work that arrived during the step: look again
                        self._wake.wait(interval)
