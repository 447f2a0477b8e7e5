"""HTTP mode's background work in a companion process beside each gunicorn worker.

A gunicorn worker answers requests: Slack's within its 3 s, monitoring's alerts within 100 ms.
Its outbox dispatcher, alert worker and timer sweep used to share its interpreter, so an answer
waited for the GIL behind a case being opened or a card being rendered. Each worker now forks a
companion as it starts, which does that work at a lower CPU priority (`NICENESS`): answers take
a core first, the background work takes the rest. The worker sends its wakes (an alert accepted,
a commit with messages to send) down a pipe; the companion stops when the pipe closes (its
worker is gone), and a worker whose companion died stops too, so gunicorn starts a fresh pair.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

log = logging.getLogger(__name__)

NICENESS = 10  # the scheduler's weight for nice 10 is a tenth of nice 0's
ALERTS, OUTBOX = b"a", b"o"
_INHERITED_SIGNALS = (  # gunicorn's arbiter handles these; the companion must not
    signal.SIGHUP,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGWINCH,
    signal.SIGTTIN,
    signal.SIGTTOU,
    signal.SIGCHLD,
)


class Background(Protocol):
    """What the companion runs: the runtime's background work and the wakes it answers."""

    def after_fork(self) -> None: ...

    def start_background(self) -> None: ...

    def stop_background(self) -> None: ...

    def wake_alerts(self) -> None: ...

    def wake_outbox(self) -> None: ...


class _Stopping(Exception):
    """SIGTERM or SIGINT reached the companion."""


class Companion:
    """The worker's end: its companion's pid and the pipe its wakes go down."""

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid, self._pipe = pid, pipe

    def wake_alerts(self) -> None:
        self._send(ALERTS)

    def wake_outbox(self) -> None:
        self._send(OUTBOX)

    def _send(self, wake: bytes) -> None:
        try:
            os.write(self._pipe, wake)
        except BlockingIOError:
            pass  # the pipe is full of wakes the companion has yet to read: it is awake
        except BrokenPipeError:
            pass  # the companion is gone; the watcher is stopping this worker


def start_companion(
    background: Background, *, close: Iterable[socket.socket] = (), on_exit: Callable[[], None]
) -> Companion:
    """Fork the companion (call it before this process starts threads); `close` are sockets the
    companion must not hold (the server's listeners), `on_exit` runs in this process when the
    companion has exited."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the companion
        os.close(writing)
        code = 1
        try:
            for listener in close:
                listener.close()
            code = _serve(background, reading)
        except BaseException:
            log.exception("the background companion failed")
        finally:
            os._exit(code)
    os.close(reading)
    os.set_blocking(writing, False)
    threading.Thread(
        target=_watch, args=(pid, on_exit), name="companion-watch", daemon=True
    ).start()
    return Companion(pid, writing)


def _serve(background: Background, wakes: int) -> int:
    """The companion's life: do the background work until the worker's pipe closes or a signal
    says stop; 0 when it stopped as asked."""
    for number in _INHERITED_SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        signal.signal(number, _stop)
    os.nice(NICENESS)
    background.after_fork()
    background.start_background()
    try:
        while data := os.read(wakes, 512):  # empty: the worker closed its end (it is gone)
            if ALERTS in data:
                background.wake_alerts()
            if OUTBOX in data:
                background.wake_outbox()
    except _Stopping:
        pass
    background.stop_background()
    return 0


def _stop(_number: int, _frame: object) -> None:
    raise _Stopping


def _watch(pid: int, on_exit: Callable[[], None]) -> None:
    _, status = os.waitpid(pid, 0)
    log.error(
        "the background companion %s exited (status %s); this worker stops so gunicorn starts a "
        "fresh pair",
        pid,
        status,
    )
    on_exit()
