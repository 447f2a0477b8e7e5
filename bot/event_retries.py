"""Slack delivers an event again when it thinks the first delivery failed (`X-Slack-Retry-Num`,
or a Socket Mode envelope's `retry_attempt`), with the same `event_id`. This middleware claims
each event id once in the database, so a retried event never records a second timeline entry or
sends a second message, whichever process the retry reaches.

A claim made by a delivery whose listener then failed is not given back: the failure is logged
with its error id, and a retry of the same event would most likely fail the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse
from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from store.db import Database
from store.models import SeenRequest

log = logging.getLogger(__name__)


def once_per_event(db: Database, clock: Clock) -> Callable[..., Any]:
    """A Bolt global middleware: the first delivery of an event id goes on, repeats stop here."""

    def middleware(body: dict[str, Any], next: Callable[[], Any]) -> Any:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not isinstance(event_id, str) or not event_id:
            return next()
        try:
            with db.transaction() as session:
                session.add(
                    SeenRequest(key=f"event:{event_id[:180]}", case_id=None, at=clock.now())
                )
        except IntegrityError:
            log.info("event %s was delivered again; already handled", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return middleware
