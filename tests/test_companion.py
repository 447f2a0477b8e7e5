"""HTTP mode's companion process (bot/companion.py), with a stand-in for the runtime's
background work: it starts at a lower CPU priority, answers the worker's wakes in order, and
stops when told or when its worker is gone."""

from __future__ import annotations

import os
import signal
import threading
import time

from bot.companion import NICENESS, start_companion


class Recorder:
    """The background work, reporting each call down a pipe to the test (it runs forked)."""

    def __init__(self) -> None:
        self.reading, self._writing = os.pipe()

    def _say(self, line: str) -> None:
        os.write(self._writing, f"{line}\n".encode())

    def after_fork(self) -> None:
        self._say("after_fork")

    def start_background(self) -> None:
        self._say(f"start nice={os.nice(0)}")

    def stop_background(self) -> None:
        self._say("stop")

    def wake_alerts(self) -> None:
        self._say("alerts")

    def wake_outbox(self) -> None:
        self._say("outbox")

    def lines(self, count: int) -> list[str]:
        """The next `count` lines the companion reported (5 s at most)."""
        seen = b""
        deadline = time.monotonic() + 5
        while seen.count(b"\n") < count and time.monotonic() < deadline:
            seen += os.read(self.reading, 4096)
        return seen.decode().splitlines()


def test_the_companion_works_at_a_lower_priority_answers_wakes_and_stops_on_sigterm() -> None:
    recorder, exited = Recorder(), threading.Event()
    companion = start_companion(recorder, on_exit=exited.set)
    expected_nice = min(19, os.nice(0) + NICENESS)
    assert recorder.lines(2) == ["after_fork", f"start nice={expected_nice}"]
    companion.wake_alerts()
    assert recorder.lines(1) == ["alerts"]
    companion.wake_outbox()
    assert recorder.lines(1) == ["outbox"]
    os.kill(companion.pid, signal.SIGTERM)
    assert recorder.lines(1) == ["stop"]
    assert exited.wait(5), "the worker was not told its companion exited"


def test_the_companion_stops_when_its_worker_is_gone() -> None:
    """The worker's end of the pipe closes when the worker dies, however it dies."""
    recorder, exited = Recorder(), threading.Event()
    companion = start_companion(recorder, on_exit=exited.set)
    assert recorder.lines(2)[0] == "after_fork"
    os.close(companion._pipe)  # what the kernel does when the worker process dies
    assert recorder.lines(1) == ["stop"]
    assert exited.wait(5)


def test_wakes_never_block_the_worker_when_its_companion_is_behind_or_gone() -> None:
    recorder, exited = Recorder(), threading.Event()
    companion = start_companion(recorder, on_exit=exited.set)
    recorder.lines(2)
    os.kill(companion.pid, signal.SIGSTOP)  # busy, not reading: its pipe fills up
    sent = 0

    def flood() -> None:
        nonlocal sent
        for _ in range(70_000):
            companion.wake_outbox()
            sent += 1

    flooding = threading.Thread(target=flood)
    flooding.start()
    flooding.join(5)
    assert not flooding.is_alive(), "a wake blocked the worker on a full pipe"
    assert sent == 70_000, "a wake to a full pipe failed"
    os.kill(companion.pid, signal.SIGCONT)
    assert set(recorder.lines(1)) == {"outbox"}  # the wakes that fitted are answered
    os.kill(companion.pid, signal.SIGKILL)
    assert exited.wait(5)
    companion.wake_alerts()  # EPIPE: the accepted alert waits for the next companion
