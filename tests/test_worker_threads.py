"""The background threads the outbox and the alert worker run on: work that arrives while a
thread is busy is looked at as soon as the thread is done, not an interval later."""

from __future__ import annotations

import threading

from bot.worker_threads import WorkerThreads


def test_a_wake_during_a_step_that_found_nothing_is_not_lost() -> None:
    """The step looks, finds nothing, and meanwhile work arrives (wake): the thread looks
    again at once instead of sleeping its 30-second interval."""
    inside, carry_on, looked_again = threading.Event(), threading.Event(), threading.Event()
    steps = 0

    def step() -> bool:
        nonlocal steps
        steps += 1
        if steps == 1:
            inside.set()
            carry_on.wait(5)
        else:
            looked_again.set()
        return False

    threads = WorkerThreads(step, name="test")
    threads.start(interval=30.0, workers=1)
    try:
        assert inside.wait(5)
        threads.wake()  # a notification was accepted while the step was looking
        carry_on.set()
        assert looked_again.wait(5), "the wake that came during the step was lost"
    finally:
        threads.stop()


def test_wakes_go_to_the_process_the_threads_run_in_and_stop_still_stops_these() -> None:
    """HTTP mode's worker forwards its wakes to its companion; its own threads (none run there,
    but stop() must not hang or forward) still stop."""
    sent: list[str] = []
    looked = threading.Event()

    def step() -> bool:
        looked.set()
        return False

    threads = WorkerThreads(step, name="test")
    threads.start(interval=30.0, workers=1)
    assert looked.wait(5)
    looked.clear()
    threads.send_wakes_to(lambda: sent.append("wake"))
    threads.wake()
    threads.wake()
    assert sent == ["wake", "wake"]
    assert not looked.wait(0.3), "a forwarded wake also woke this process's thread"
    threads.stop()
    assert sent == ["wake", "wake"]
