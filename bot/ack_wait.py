"""Bolt starts each listener on its executor and then looks every 10 ms to see whether the
listener has acknowledged yet. With 50 requests in flight that is 5,000 wake-ups a second, each
taking the GIL from the threads doing the work, and up to 10 ms added to every answer. Here the
request's thread sleeps until the acknowledgement is given instead (or the listener ends), so
the answer is already there when Bolt first looks.

The request's acknowledgement is handed from a global middleware (`expect`) to the executor's
`submit` through a thread-local: both run on the request's own thread, one after the other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, TypeVar

from slack_bolt import Ack, BoltResponse

T = TypeVar("T")

# As long as Bolt itself waits for a listener's acknowledgement (its listeners' ack_timeout).
ACK_WAIT_SECONDS = 3.0
# Listeners running at once per process: Bolt's own default. More only crowd the GIL (bench-load
# at concurrency 50: a higher p99 with 16).
LISTENER_THREADS = 5

_expected = threading.local()


class SignallingAck(Ack):
    """An `ack` that also tells a waiting request thread that the answer is ready."""

    def __init__(self, *, plain: Callable[[str], str] | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.answered = threading.Event()
        self.plain = plain

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        errors = kwargs.get("errors")
        if errors and self.plain is not None:  # Slack shows a field's error as plain text
            kwargs["errors"] = {field: self.plain(str(text)) for field, text in errors.items()}
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.answered.set()


def expect(ack: SignallingAck) -> None:
    """Called on the request's thread before its listener starts."""
    _expected.ack = ack


def _take_expected() -> SignallingAck | None:
    ack: SignallingAck | None = getattr(_expected, "ack", None)
    _expected.ack = None  # one request's acknowledgement is never waited for twice
    return ack


class AnswerWaitingExecutor(Executor):
    """Bolt's listener executor: runs the listener on a pool thread, and holds the request's
    thread until the listener has acknowledged, has ended, or ACK_WAIT_SECONDS have passed."""

    def __init__(self, *, threads: int = LISTENER_THREADS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="listener")

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        ack = _take_expected()
        future = self._pool.submit(fn, *args, **kwargs)
        if ack is not None:
            future.add_done_callback(lambda _: ack.answered.set())
            ack.answered.wait(ACK_WAIT_SECONDS)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
