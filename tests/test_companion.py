"""HTTP mode's companion processes (bot/companion.py), with stand-ins for the runtime's shares
of the background work: each starts at its lower CPU priority, answers its wakes, sends the
wakes of the companions forked before it to them, and stops when told or when every process
that could wake it is gone."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable

from bot.companion import Companion, Share, start_companions


class Report:
    """What the companions did, reported down a pipe to the test (they run forked)."""

    def __init__(self) -> None:
        self.reading, self._writing = os.pipe()

    def say(self, line: str) -> None:
        os.write(self._writing, f"{line}\n".encode())

    def lines(self, count: int) -> list[str]:
        """The next `count` lines reported (5 s at most)."""
        seen = b""
        deadline = time.monotonic() + 5
        while seen.count(b"\n") < count and time.monotonic() < deadline:
            seen += os.read(self.reading, 4096)
        return seen.decode().splitlines()


class Kind:
    """One kind of background work: its wakes go to this process's threads or elsewhere."""

    def __init__(self, name: str, report: Report) -> None:
        self.name, self.report = name, report
        self.elsewhere: Callable[[], None] | None = None

    def wake(self) -> None:
        if self.elsewhere is not None:
            self.elsewhere()
        else:
            self.report.say(f"{self.name} woken in {os.getpid()}")

    def share(self, niceness: int, *, then_wake: Kind | None = None) -> Share:
        def start() -> None:
            self.report.say(f"{self.name} started at nice {os.nice(0)} in {os.getpid()}")
            if then_wake is not None:
                then_wake.wake()  # as a recorded case wakes the delivery

        def send_wakes_to(send: Callable[[], None]) -> None:
            self.elsewhere = send

        return Share(
            name=self.name,
            niceness=niceness,
            start=start,
            stop=lambda: self.report.say(f"{self.name} stopped"),
            wake=self.wake,
            send_wakes_to=send_wakes_to,
        )


def _start(
    report: Report, exited: list[str]
) -> tuple[Kind, Kind, list[Companion], threading.Event]:
    delivery, recording = Kind("delivery", report), Kind("recording", report)
    gone = threading.Event()

    def on_exit(companion: Companion) -> None:
        exited.append(companion.share.name)
        gone.set()

    companions = start_companions(
        [delivery.share(15), recording.share(10, then_wake=delivery)],
        after_fork=lambda: report.say("after_fork"),
        on_exit=on_exit,
    )
    return delivery, recording, companions, gone


def test_companions_work_at_their_priorities_and_each_wake_reaches_the_one_that_does_it() -> None:
    report, exited = Report(), []
    delivery, recording, (deliverer, recorder), gone = _start(report, exited)
    base = os.nice(0)
    lines = report.lines(5)
    assert sorted(lines) == sorted(
        [
            "after_fork",
            "after_fork",
            f"delivery started at nice {min(19, base + 15)} in {deliverer.pid}",
            f"recording started at nice {min(19, base + 10)} in {recorder.pid}",
            f"delivery woken in {deliverer.pid}",  # the recording companion's wake
        ]
    )
    recording.wake()  # an alert accepted in the worker
    assert report.lines(1) == [f"recording woken in {recorder.pid}"]
    delivery.wake()  # a commit with messages to send
    assert report.lines(1) == [f"delivery woken in {deliverer.pid}"]
    os.kill(recorder.pid, signal.SIGTERM)
    assert report.lines(1) == ["recording stopped"]
    assert gone.wait(5) and exited == ["recording"], "the worker was not told"
    os.kill(deliverer.pid, signal.SIGTERM)
    assert report.lines(1) == ["delivery stopped"]


def test_companions_stop_when_their_worker_is_gone() -> None:
    """The worker's ends of the pipes close when it dies, however it dies; the delivery
    companion stops once the recording one, which could still wake it, has stopped too."""
    report, exited = Report(), []
    _delivery, _recording, (deliverer, recorder), _gone = _start(report, exited)
    report.lines(5)
    for companion in (deliverer, recorder):
        os.close(companion._pipe)  # what the kernel does when the worker process dies
    assert report.lines(2) == ["recording stopped", "delivery stopped"]


def test_wakes_never_block_the_worker_when_its_companion_is_behind_or_gone() -> None:
    report, exited = Report(), []
    _delivery, recording, (deliverer, recorder), gone = _start(report, exited)
    report.lines(5)
    os.kill(recorder.pid, signal.SIGSTOP)  # busy, not reading: its pipe fills up
    sent = 0

    def flood() -> None:
        nonlocal sent
        for _ in range(70_000):
            recording.wake()
            sent += 1

    flooding = threading.Thread(target=flood)
    flooding.start()
    flooding.join(5)
    assert not flooding.is_alive(), "a wake blocked the worker on a full pipe"
    assert sent == 70_000, "a wake to a full pipe failed"
    os.kill(recorder.pid, signal.SIGCONT)
    assert set(report.lines(1)) == {f"recording woken in {recorder.pid}"}
    os.kill(recorder.pid, signal.SIGKILL)
    assert gone.wait(5)
    recording.wake()  # EPIPE: the accepted alert waits for the next companion
    os.kill(deliverer.pid, signal.SIGTERM)
