"""Slack shows "operation_timeout" for a slash command not acknowledged within 3 seconds, and the
answer is lost. A command's answer normally rides on its acknowledgement (DESIGN decision 2);
when the work behind it runs past the deadline (a busy database, a loaded machine), the command
is acknowledged with "Working on it" and the answer follows through the command's response_url,
where the person sees it in the same place. The work itself is never cut short.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.context.respond import Respond

from bot.ack_wait import SignallingAck, expect
from bot.render.kit_checks import as_plain

log = logging.getLogger(__name__)

STILL_WORKING = ":hourglass_flowing_sand: Working on it; the answer will appear here in a moment."


class DeadlineAck(SignallingAck):
    """An `ack` that answers "working on it" by itself at the deadline, and then sends the
    listener's own answer through `respond` instead of the (already sent) acknowledgement."""

    def __init__(
        self, *, respond: Respond, seconds: float, plain: Callable[[str], str] | None = None
    ) -> None:
        super().__init__(plain=plain)
        self._respond = respond
        self._lock = threading.Lock()
        self.late = False
        self._settled = False
        _WATCH.add(time.monotonic() + seconds, self)

    def hold(self) -> None:
        """The deadline passed: acknowledge with "working on it" unless already answered."""
        with self._lock:
            if self.response is None and not self._settled:
                super().__call__(text=STILL_WORKING)
                self.late = True

    def __call__(  # Bolt's ack signature, keyword for keyword
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[Any] | None = None,
        attachments: Sequence[Any] | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        response_type: str | None = None,
        options: Sequence[Any] | None = None,
        option_groups: Sequence[Any] | None = None,
        response_action: str | None = None,
        errors: dict[str, str] | None = None,
        view: Any = None,
    ) -> BoltResponse:
        with self._lock:
            self._settled = True
            if not self.late:
                return super().__call__(
                    text,
                    blocks=blocks,
                    attachments=attachments,
                    unfurl_links=unfurl_links,
                    unfurl_media=unfurl_media,
                    response_type=response_type,
                    options=options,
                    option_groups=option_groups,
                    response_action=response_action,
                    errors=errors,
                    view=as_plain(view),
                )
        message: dict[str, Any] = dict(text) if isinstance(text, dict) else {"text": text}
        if blocks is not None:
            message["blocks"] = blocks
        if attachments is not None:
            message["attachments"] = attachments
        if response_type is not None:
            message["response_type"] = response_type
        if message.get("text") or message.get("blocks"):
            self.follow_up(message)
        assert self.response is not None  # set by hold(), which made this ack late
        return self.response

    def settle(self) -> bool:
        """No "working on it" from now on; True when it was already sent."""
        with self._lock:
            self._settled = True
            return self.late

    def follow_up(self, message: dict[str, Any]) -> None:
        """Send the late answer where the acknowledgement went; a failure is logged, since the
        work it reports is already recorded."""
        try:
            result = self._respond(**message)
            if result.status_code != 200:
                log.warning("late answer refused by response_url: %s", result.body)
        except Exception:
            log.exception("late answer could not be sent through response_url")


class _Watch:
    """One thread keeps every pending deadline (a timer thread per command would start a
    thread for each); an answered command's entry is skipped when it comes due."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, DeadlineAck]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, at: float, ack: DeadlineAck) -> None:
        with self._changed:
            entry = (at, next(self._order), ack)
            heapq.heappush(self._due, entry)
            if self._thread is None or not self._thread.is_alive():  # none yet, or forked
                self._thread = threading.Thread(target=self._run, name="ack-deadline", daemon=True)
                self._thread.start()
            if self._due[0] is entry:  # due first: the thread sleeps towards a later one, if any
                self._changed.notify()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._due:
                    self._changed.wait()
                wait = self._due[0][0] - time.monotonic()
                if wait > 0:
                    self._changed.wait(wait)
                    continue
                _, _, ack = heapq.heappop(self._due)
            ack.hold()


_WATCH = _Watch()


def acknowledgements(
    seconds: float, *, plain: Callable[[str], str] | None = None
) -> Callable[..., Any]:
    """A Bolt global middleware that gives each request its `ack`: a DeadlineAck for slash
    commands, a SignallingAck otherwise; the listener executor waits for it (`bot.ack_wait`).
    `plain` writes the people a modal field's error names as names (`bot.people`)."""

    def middleware(body: dict[str, Any], context: Any, next: Callable[[], Any]) -> Any:
        ack: SignallingAck
        if body.get("command") and body.get("response_url") and context.respond is not None:
            ack = DeadlineAck(respond=context.respond, seconds=seconds, plain=plain)
        else:
            ack = SignallingAck(plain=plain)
        context["ack"] = ack
        expect(ack)
        return next()

    return middleware


def late_ack(context: Any) -> DeadlineAck | None:
    """For error reports: the request's DeadlineAck if it already answered "working on it"
    (the report then goes through response_url); otherwise its deadline is called off, so the
    report is the acknowledgement."""
    ack = context.get("ack") if hasattr(context, "get") else None
    if not isinstance(ack, DeadlineAck):
        return None
    return ack if ack.settle() else None
