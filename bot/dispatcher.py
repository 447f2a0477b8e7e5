"""Delivers the outbox to Slack (DESIGN decision 1): in order per case, retried with backoff,
Retry-After honoured, and the Slack `ts` kept so later changes edit the same message.

A crash between commit and delivery delays a message; the lease makes it deliverable again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlalchemy.orm import Session

from bot import home_refresh
from bot.clock import Clock
from bot.notices import AVAILABLE, CASE_CHANNEL
from bot.render import RenderContext, render
from bot.render.home import home_tab
from bot.render.kit_checks import serialise
from bot.reports import delivery, weekly
from bot.timeline import record_event
from bot.worker_threads import WorkerThreads
from config.policy import Policy
from store.db import Database
from store.models import Case, OutboxItem, OutboxStatus
from store.outbox import (
    claim,
    due_heads,
    message_location,
    newer_pending_with_key,
    next_due,
    remember_message,
)

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
WORKERS = 4
HEADS = 16
MAX_BACKOFF = 300
NAME_TAKEN_TRIES = 20
HOME_TS = "home"  # a Home has no message ts; its row records that the person has one
# Slack errors that a later attempt can cure; all others are final for that item.
TRANSIENT = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
}


class Retry(Exception):
    """Deliver again later: after `after` seconds, or by backoff when None."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class Final(Exception):
    """Slack refused for good; the item fails and the case's timeline says so."""


@dataclass
class Delivered:
    """Where Slack put it: the channel, the message ts, or a new channel's name."""

    channel: str | None = None
    ts: str | None = None
    name: str | None = None


class External(Protocol):
    """Deliveries outside Slack (BCAST-3's e-mail and webhooks) in the same outbox: their own
    operations, prepared in the claiming transaction, called outside it, and told each outcome
    in the settling transaction."""

    operations: frozenset[str]

    def prepare(self, session: Session, item: OutboxItem) -> dict[str, Any]: ...

    def call(self, call: dict[str, Any]) -> None: ...

    def retry_delay(self, attempts: int) -> float: ...

    def delivered(self, session: Session, item: OutboxItem, *, now: datetime) -> None: ...

    def retrying(
        self, session: Session, item: OutboxItem, error: str, *, now: datetime
    ) -> None: ...

    def failed(self, session: Session, item: OutboxItem, error: str, *, now: datetime) -> None: ...


@dataclass(frozen=True)
class Unsent:
    """Why a claimed item makes no call: a later one supersedes it, or it cannot be sent."""

    superseded: bool = False
    error: str = ""


class Dispatcher:
    """Claims due outbox items and makes the Slack calls they stand for."""

    def __init__(
        self,
        *,
        db: Database,
        client: WebClient,
        policy: Policy,
        clock: Clock,
        external: External | None = None,
    ) -> None:
        self.db = db
        self.client = client
        self.policy = policy
        self.clock = clock
        self.external = external
        self._threads = WorkerThreads(self.deliver_next, name="outbox")

    # -- running ------------------------------------------------------------------------------
    def wake(self) -> None:
        self._threads.wake()

    def send_wakes_to(self, send: Callable[[], None]) -> None:
        self._threads.send_wakes_to(send)

    def start(self, *, interval: float = 1.0, workers: int = WORKERS) -> None:
        """Deliver with `workers` threads until stop(); wake() skips their wait. Slack calls of
        different cases overlap; one case's messages still go in order (its lane)."""
        self._threads.start(interval=interval, workers=workers)

    def stop(self) -> None:
        self._threads.stop()

    def drain(self, *, max_items: int = 10_000, wait_up_to: float = 0.0) -> int:
        """Deliver everything due now, and retries due within `wait_up_to` seconds (sandbox and
        tests, which want a step's messages complete); returns how many were attempted."""
        total = 0
        while total < max_items:
            if self.deliver_next():
                total += 1
                continue
            wait = self._seconds_to_next_retry()
            if wait is None or wait > wait_up_to:
                break
            time.sleep(max(wait, 0.01))
        return total

    def _seconds_to_next_retry(self) -> float | None:
        with self.db.reading() as session:
            due = next_due(session)
        return None if due is None else (due - self.clock.now()).total_seconds()

    # -- one item -----------------------------------------------------------------------------
    def deliver_next(self) -> bool:
        """Claim the oldest deliverable item and deliver it; False when nothing is due."""
        claimed = self._claim_next()
        if claimed is None:
            return False
        item_id, call = claimed
        if call is not None:
            try:
                result = self._call(call)
            except Retry as retry:
                self._settle_retry(item_id, retry)
            except Final as final:
                self._settle_failed(item_id, str(final))
            else:
                self._settle_delivered(item_id, result)
        return True

    def _claim_next(self) -> tuple[int, dict[str, Any] | None] | None:
        """Take the first due lane head nobody holds (one conditional UPDATE), then read what
        its Slack call needs. A superseded or unpreparable item is settled on the spot (no
        call). Slack messages render from a read session after the claim: on SQLite a write
        transaction holds the one writer, which accepts and intakes would queue behind."""
        now = self.clock.now()
        with self.db.reading() as session:
            heads = due_heads(session, now=now, limit=HEADS)
        for item_id in heads:
            with self.db.one_statement() as session:
                if not claim(session, item_id, now=now, lease=LEASE):
                    continue
            return item_id, self._prepare_claimed(item_id, now=now)
        return None

    def _prepare_claimed(self, item_id: int, *, now: datetime) -> dict[str, Any] | None:
        """The claimed item's call, or None when it was settled instead (superseded, or Final).
        A subscriber's delivery prepares in a transaction: it may store the signing key."""
        with self.db.reading() as session:
            item = session.get_one(OutboxItem, item_id)
            decided = None if self._is_external(item) else self._decide(session, item)
        if isinstance(decided, dict):
            return decided
        with self.db.transaction() as session:
            item = session.get_one(OutboxItem, item_id)
            decided = decided or self._decide(session, item)
            if isinstance(decided, dict):
                return decided
            if decided.superseded:
                item.status, item.delivered_at, item.lease_until = (
                    OutboxStatus.SUPERSEDED,
                    now,
                    None,
                )
            else:
                self._fail(session, item, decided.error, now=now)
        return None

    def _decide(self, session: Session, item: OutboxItem) -> dict[str, Any] | Unsent:
        """The item's call, or why it makes none."""
        if self._superseded(session, item):
            return Unsent(superseded=True)
        try:
            return self._prepare(session, item)
        except Final as final:
            return Unsent(error=str(final))

    def _superseded(self, session: Session, item: OutboxItem) -> bool:
        """A later pending item renders the same keyed message again (a Home, or a message
        already posted that it will edit), so this one may skip."""
        return bool(
            item.message_key
            and newer_pending_with_key(session, item)
            and (
                item.operation == home_refresh.OPERATION
                or message_location(session, item.message_key)
            )
        )

    # -- preparing and calling ----------------------------------------------------------------
    def _prepare(self, session: Session, item: OutboxItem) -> dict[str, Any]:
        """Everything the Slack call needs, read while the transaction is open."""
        if self._is_external(item):
            assert self.external is not None
            return {**self.external.prepare(session, item), "operation": item.operation}
        case = session.get(Case, item.case_id) if item.case_id is not None else None
        target = item.target
        if target == CASE_CHANNEL:
            if case is None or case.channel_id is None:
                raise Final("the case channel does not exist (its creation failed)")
            target = case.channel_id
        call: dict[str, Any] = {
            "operation": item.operation,
            "target": target,
            "case_id": item.case_id,
            "params": dict(item.params),
        }
        if item.operation == "post" and case is None:  # a plain note to a person, no case
            if not item.params.get("text"):
                raise Final(f"template {item.template} needs a case")
            call["text"], call["blocks"] = str(item.params["text"]), []
        elif item.operation == "post":
            assert case is not None
            ctx = RenderContext(
                case=case, policy=self.policy, params=item.params, now=self.clock.now()
            )
            message = render(item.template, ctx)
            call["text"], call["blocks"] = message.text, message.blocks
            location = message_location(session, item.message_key) if item.message_key else None
            if location is not None:
                call["existing"] = (location.channel, location.ts)
            parent = item.params.get("thread_key")
            thread = message_location(session, parent) if parent else None
            if thread is not None:  # a reply under a keyed message (a card's thread)
                call["target"], call["thread_ts"] = thread.channel, thread.ts
        elif item.operation == home_refresh.OPERATION:  # rendered now: the Home as it is
            call["view"] = serialise(
                home_tab(session, self.policy, item.target, now=self.clock.now())
            )
        elif item.operation == "pin":
            location = message_location(session, item.params["message_key"])
            if location is None:
                raise Final("the message to pin was never posted")
            call["ts"] = location.ts
        return call

    def _call(self, call: dict[str, Any]) -> Delivered:
        operation = call["operation"]
        if self.external is not None and operation in self.external.operations:
            self.external.call(call)
            return Delivered()
        try:
            if operation == "post":
                return self._post(call)
            if operation == "create_channel":
                return self._create_channel(call["target"])
            if operation == "invite":
                return self._invite(call["target"], call["params"]["users"])
            if operation == home_refresh.OPERATION:
                self.client.views_publish(user_id=call["target"], view=call["view"])
                return Delivered(channel=call["target"], ts=HOME_TS)
            if operation == "pin":
                return self._pin(call["target"], call["ts"])
            if operation == "archive":
                return self._archive(call["target"])
            if operation == weekly.OPERATION:
                delivery.weekly_report(
                    self.db, self.policy, self.client, call["target"], call["params"],
                    now=self.clock.now(),
                )  # fmt: skip
                return Delivered(channel=call["target"])
            if operation == delivery.CSV_OPERATION:
                delivery.csv_files(
                    self.db, self.policy, self.client, call["target"], call["params"]
                )
                return Delivered(channel=call["target"])
        except SlackApiError as exc:
            raise _classify_slack_error(exc) from None
        except (SlackRequestError, URLError, TimeoutError, ConnectionError, OSError) as exc:
            raise Retry(f"network: {exc}") from None
        raise Final(f"unknown outbox operation {operation!r}")

    def _post(self, call: dict[str, Any]) -> Delivered:
        text, blocks, target = call["text"], call["blocks"], self._present(call["target"])
        existing = call.get("existing")
        if existing is not None:
            channel, ts = existing
            if _same_place(channel, target):
                try:
                    self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
                    return Delivered(channel=channel, ts=ts)
                except SlackApiError as exc:
                    if exc.response.get("error") != "message_not_found":
                        raise
            else:
                self._delete_quietly(channel, ts)
        extra = {"thread_ts": call["thread_ts"]} if call.get("thread_ts") else {}
        response = self._post_joining(target, text=text, blocks=blocks, **extra)
        return Delivered(channel=response["channel"], ts=response["ts"])

    def _present(self, target: str) -> str:
        """Resolve an "available" target with Slack's presence (SLA-2: the on-call when the
        coordinator is away); when presence cannot be read, the first person."""
        if not target.startswith(AVAILABLE):
            return target
        first, _, fallback = target.removeprefix(AVAILABLE).partition(":")
        try:
            presence = self.client.users_getPresence(user=first).get("presence")
        except SlackApiError as exc:
            log.info("presence of %s unknown (%s)", first, exc.response.get("error"))
            return first
        return fallback if presence == "away" else first

    def _post_joining(self, channel: str, **kwargs: Any) -> Any:
        """Post; join a public channel first when Slack says the bot is not in it."""
        try:
            return self.client.chat_postMessage(channel=channel, **kwargs)
        except SlackApiError as exc:
            if exc.response.get("error") != "not_in_channel":
                raise
            self.client.conversations_join(channel=channel)
            return self.client.chat_postMessage(channel=channel, **kwargs)

    def _archive(self, channel: str) -> Delivered:
        """CLOSE-5: a closed case's channel is archived after its grace period."""
        try:
            self.client.conversations_archive(channel=channel)
        except SlackApiError as exc:
            if exc.response.get("error") != "already_archived":
                raise
        return Delivered(channel=channel, ts=None)

    def _delete_quietly(self, channel: str, ts: str) -> None:
        """A card that moved queues leaves its old queue; a failure here must not block it."""
        try:
            self.client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as exc:
            log.warning(
                "could not delete moved message %s/%s: %s", channel, ts, exc.response.get("error")
            )

    def _create_channel(self, name: str) -> Delivered:
        """conversations.create, stepping past `name_taken` with -2, -3 ... suffixes."""
        for attempt in range(1, NAME_TAKEN_TRIES + 1):
            candidate = name if attempt == 1 else _suffixed(name, attempt)
            try:
                response = self.client.conversations_create(name=candidate)
            except SlackApiError as exc:
                if exc.response.get("error") == "name_taken":
                    continue
                raise
            return Delivered(channel=response["channel"]["id"], name=response["channel"]["name"])
        raise Final(f"every channel name from {name} to -{NAME_TAKEN_TRIES} is taken")

    def _invite(self, channel: str, users: list[str]) -> Delivered:
        if not users:
            return Delivered(channel=channel)
        try:
            self.client.conversations_invite(channel=channel, users=",".join(users))
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error not in ("already_in_channel", "cant_invite_self"):
                raise
            if error == "cant_invite_self" and len(users) > 1:
                me = self.client.auth_test()["user_id"]
                return self._invite(channel, [u for u in users if u != me])
        return Delivered(channel=channel)

    def _pin(self, channel: str, ts: str) -> Delivered:
        try:
            self.client.pins_add(channel=channel, timestamp=ts)
        except SlackApiError as exc:
            if exc.response.get("error") != "already_pinned":
                raise
        return Delivered(channel=channel, ts=ts)

    # -- settling -----------------------------------------------------------------------------
    def _settle_delivered(self, item_id: int, result: Delivered) -> None:
        now = self.clock.now()
        with self.db.transaction() as session:
            item = session.get_one(OutboxItem, item_id)
            item.status, item.delivered_at, item.lease_until = OutboxStatus.DELIVERED, now, None
            item.slack_channel, item.slack_ts = result.channel, result.ts
            if item.operation == "create_channel" and item.case_id is not None:
                case = session.get_one(Case, item.case_id)
                case.channel_id, case.channel_name = result.channel, result.name
                record_event(
                    case,
                    at=now,
                    actor=None,
                    kind="case_channel",
                    new=result.name,
                    detail={"channel": result.channel},
                )
            elif item.message_key and result.channel and result.ts:
                remember_message(
                    session, key=item.message_key, channel=result.channel, ts=result.ts, now=now
                )
            elif self.external is not None and self._is_external(item):
                self.external.delivered(session, item, now=now)

    def _settle_retry(self, item_id: int, retry: Retry) -> None:
        now = self.clock.now()
        with self.db.transaction() as session:
            item = session.get_one(OutboxItem, item_id)
            delay = retry.after if retry.after is not None else min(2**item.attempts, MAX_BACKOFF)
            if retry.after is None and self.external is not None and self._is_external(item):
                delay = self.external.retry_delay(item.attempts)
            item.next_attempt_at = now + timedelta(seconds=delay)
            item.lease_until, item.last_error = None, str(retry)
            if self.external is not None and self._is_external(item):
                self.external.retrying(session, item, str(retry), now=now)
        log.info("outbox item %s retries in %ss: %s", item_id, delay, retry)

    def _settle_failed(self, item_id: int, error: str) -> None:
        with self.db.transaction() as session:
            self._fail(session, session.get_one(OutboxItem, item_id), error, now=self.clock.now())

    def _fail(self, session: Session, item: OutboxItem, error: str, *, now: datetime) -> None:
        """Slack refused for good: the item fails and the case's timeline says so."""
        item.status, item.last_error, item.lease_until = OutboxStatus.FAILED, error, None
        if self.external is not None and self._is_external(item):
            self.external.failed(session, item, error, now=now)
        elif item.case_id is not None:
            case = session.get_one(Case, item.case_id)
            record_event(
                case,
                at=now,
                actor=None,
                kind="delivery_failed",
                new=item.operation,
                reason=f"Slack refused: {error}",
                detail={"template": item.template, "target": item.target},
            )
        log.warning("outbox item %s failed for good: %s", item.id, error)

    def _is_external(self, item: OutboxItem) -> bool:
        return self.external is not None and item.operation in self.external.operations


def _classify_slack_error(exc: SlackApiError) -> Exception:
    status = exc.response.status_code
    error = str(exc.response.get("error") or f"HTTP {status}")
    if status == 429:
        header = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
        return Retry("ratelimited", after=float(header) if header else 1.0)
    if status >= 500 or error in TRANSIENT:
        return Retry(error)
    return Final(error)


def _same_place(stored: str, target: str) -> bool:
    """A DM is stored under its D... id but addressed by user id; both mean the same place."""
    return stored == target or (stored.startswith("D") and target[:1] in ("U", "W"))


def _suffixed(name: str, attempt: int) -> str:
    suffix = f"-{attempt}"
    return name[: 80 - len(suffix)] + suffix


__all__ = ["Dispatcher"]
