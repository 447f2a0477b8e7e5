"""Group commit: rows that request threads store at the same moment share one transaction.

SQLite has one writer and every commit waits for its fsync, so a burst of alert POSTs, each
answered only after its own committed INSERT, queued one fsync after another at the writer
(answer p99 528 ms in bench-alerts). Here the first thread to reach the committer stores every
row waiting at that moment in one transaction; each caller returns only after the commit that
holds its row, so a 2xx still means the row is durable. A failed batch fails each of its
callers (none of its rows was stored).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_ROWS = 200  # one transaction stays short, so other writers get their turn


@dataclass
class _Waiting:
    row: dict[str, Any]
    done: bool = False
    result: int = 0
    error: Exception | None = None


class GroupCommit:
    """Store rows through `store` (rows in, their ids out in the same order), many at a time."""

    def __init__(self, store: Callable[[list[dict[str, Any]]], list[int]]) -> None:
        self._store = store
        self._queue: list[_Waiting] = []
        self._queue_lock = threading.Lock()
        self._committer = threading.Lock()

    def store(self, row: dict[str, Any]) -> int:
        """The row's id once it is committed; raises what storing its batch raised."""
        mine = _Waiting(row)
        with self._queue_lock:
            self._queue.append(mine)
        while True:
            with self._committer:
                if not mine.done:
                    self._commit_waiting()
            if mine.done:
                break
        if mine.error is not None:
            raise mine.error
        return mine.result

    def _commit_waiting(self) -> None:
        with self._queue_lock:
            batch, self._queue = self._queue[:MAX_ROWS], self._queue[MAX_ROWS:]
        if not batch:
            return
        try:
            ids = self._store([w.row for w in batch])
        except BaseException as exc:
            for waiting in batch:  # none waits forever for a thread that was stopped
                waiting.done = True
                waiting.error = exc if isinstance(exc, Exception) else RuntimeError("stopped")
            if not isinstance(exc, Exception):
                raise
            return
        for waiting, result in zip(batch, ids, strict=True):
            waiting.result, waiting.done = result, True
