"""HTTP mode's background work in companion processes beside each gunicorn worker.

A gunicorn worker answers requests: Slack's within its 3 s, monitoring's alerts within 100 ms.
Its outbox dispatcher, alert worker and timer sweep used to share its interpreter, so an answer
waited for the GIL behind a case being opened or a card being rendered. Each worker now forks
its companions as it starts, one per `Share` of that work, each at a lower CPU priority than
answers: when the cores are short, answers go first, then recording (alerts into cases, timers
fired), then delivering (Slack calls); idle cores go to whoever has work.

A companion answers the wakes sent down its pipe (an alert accepted, a commit with messages to
send). The worker sends every kind to the companion that does it; a companion sends the kinds
that companions forked before it do (so the pipes form no cycle). A companion stops when its
pipe closes, which is when every process that could wake it is gone; a worker whose companion
died stops too, so gunicorn starts a fresh set.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

WAKE = b"w"
_INHERITED_SIGNALS = (  # gunicorn's arbiter handles these; a companion must not
    signal.SIGHUP,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGWINCH,
    signal.SIGTTIN,
    signal.SIGTTOU,
    signal.SIGCHLD,
)


@dataclass(frozen=True, kw_only=True)
class Share:
    """One companion's part of the background work."""

    name: str
    niceness: int  # added to the worker's; the scheduler's weight for +10 is a tenth of +0's
    start: Callable[[], None]
    stop: Callable[[], None]
    wake: Callable[[], None]  # what a wake down its pipe does in the companion
    send_wakes_to: Callable[[Callable[[], None]], None]  # where this process's wakes go


class _Stopping(Exception):
    """SIGTERM, SIGINT or SIGQUIT reached the companion."""


class Companion:
    """A companion as its worker sees it: its pid and the pipe its wakes go down."""

    def __init__(self, share: Share, pid: int, pipe: int) -> None:
        self.share, self.pid, self._pipe = share, pid, pipe

    def wake(self) -> None:
        try:
            os.write(self._pipe, WAKE)
        except BlockingIOError:
            pass  # the pipe is full of wakes the companion has yet to read: it is awake
        except BrokenPipeError:
            pass  # the companion is gone; its worker is stopping


def start_companions(
    shares: Sequence[Share],
    *,
    after_fork: Callable[[], None],
    close: Iterable[socket.socket] = (),
    on_exit: Callable[[Companion], None],
) -> list[Companion]:
    """Fork one companion per share, in order, before this process starts threads. `close` are
    sockets no companion may hold (the server's listeners); `after_fork` runs in each companion
    once it has its priority, before its share starts; `on_exit` runs here when a companion has
    exited."""
    listeners = list(close)
    started: list[Companion] = []
    for share in shares:
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(writing)
            code = 1
            try:
                for listener in listeners:
                    listener.close()
                for earlier in started:  # its wakes of their kinds go to them
                    earlier.share.send_wakes_to(earlier.wake)
                code = _serve(share, reading, after_fork)
            except BaseException:
                log.exception("the %s companion failed", share.name)
            finally:
                os._exit(code)
        os.close(reading)
        os.set_blocking(writing, False)
        started.append(Companion(share, pid, writing))
    for companion in started:
        companion.share.send_wakes_to(companion.wake)
        threading.Thread(
            target=_watch, args=(companion, on_exit), name="companion-watch", daemon=True
        ).start()
    return started


def _serve(share: Share, wakes: int, after_fork: Callable[[], None]) -> int:
    """A companion's life: do its share of the work until its pipe closes or a signal says
    stop; 0 when it stopped as asked."""
    for number in _INHERITED_SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        signal.signal(number, _stop)
    os.nice(share.niceness)  # before its threads start: they inherit it
    after_fork()
    try:
        share.start()
        while os.read(wakes, 512):  # empty: every process that could wake it is gone
            share.wake()
    except _Stopping:
        pass
    share.stop()
    return 0


def _stop(_number: int, _frame: object) -> None:
    raise _Stopping


def _watch(companion: Companion, on_exit: Callable[[Companion], None]) -> None:
    _, status = os.waitpid(companion.pid, 0)
    code = os.waitstatus_to_exitcode(status)  # negative: the signal that killed it
    log.log(
        logging.INFO if code == 0 else logging.ERROR,
        "the %s companion %s exited (%s); this worker stops so gunicorn starts a fresh set",
        companion.share.name,
        companion.pid,
        "stopped as asked" if code == 0 else f"exit code {code}",
    )
    on_exit(companion)
