"""Alerts from monitoring (INTAKE-1, INTAKE-4): accept a notification durably (one row, before
the sender hears 2xx), then work the queue: each notification in one transaction with the cases
it opens or updates and their outbox rows. Cases are recorded through the intake area, as every
path records them."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from bot.alerts import grouping, payloads
from bot.desk.core import BACKOFF_SECONDS, STALE_RETRIES, Area, DeskCore
from bot.desk.intake import IntakeArea
from bot.errors import UserFacingError
from bot.intake_fields import IntakeFields
from bot.notices import enqueue
from store import alert_queue
from store.group_commit import GroupCommit
from store.models import AlertNotification, Case, NotificationStatus

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
GIVE_UP_AFTER = 5  # attempts; then the notification is marked failed with its error
RETRY_AFTER = timedelta(seconds=5)
BATCH = 50  # lane heads read per round; a worker claims a sample of them
CLAIM = 10  # heads claimed per round (one statement); their repeats are settled in one
LANE_BATCH = 50  # a claimed notification's lane followers worked in its transaction
# Built once: every accepted POST runs it, ahead of its answer.
_ACCEPT = insert(AlertNotification).returning(AlertNotification.id)
_CLAIMED = aliased(AlertNotification)


def _lane_from(*columns: Any) -> Select[Any]:
    """A claimed head and its lane's waiting followers, in order (the head first while it is
    still pending)."""
    return (
        select(*columns)
        .join(_CLAIMED, _CLAIMED.lane == AlertNotification.lane)
        .where(
            _CLAIMED.id == bindparam("id"),
            AlertNotification.id >= _CLAIMED.id,
            AlertNotification.status == NotificationStatus.PENDING,
        )
        .order_by(AlertNotification.id)
        .limit(LANE_BATCH)
    )


_LANE_FROM = _lane_from(AlertNotification)
_LANE_IDS_FROM = _lane_from(AlertNotification.id)


class Replayed(Exception):
    """A signed body that was accepted before; a replay is refused."""


@dataclass(frozen=True)
class Worked:
    """What working one notification did (for the bench and tests)."""

    notification: int
    case_number: int | None
    opened: bool
    changed: bool = False  # False: nothing new (a repeat), nobody told
    case_id: int | None = None


class AlertsArea(Area):
    """Accept notifications and work them into cases."""

    def __init__(self, core: DeskCore, intake: IntakeArea) -> None:
        super().__init__(core)
        self.intake = intake
        self._accepted: list[Callable[[], None]] = []
        self._batch = GroupCommit(self._store_together)

    def on_accept(self, listener: Callable[[], None]) -> None:
        """Called after a notification is stored (the alert worker's wake-up)."""
        self._accepted.append(listener)

    def accept(
        self, *, source: str, lane: str, body: dict[str, Any], signature: str | None = None
    ) -> int:
        """Store the notification (one INSERT, committed before the answer); its id."""
        row = {
            "source": source,
            "lane": lane,
            "body": body,
            "signature": signature,
            "status": NotificationStatus.PENDING,
            "attempts": 0,
            "received_at": self.core.clock.now(),
        }
        try:
            if signature is None and self.core.db.is_sqlite:
                accepted = self._batch.store(row)
            else:
                with self.core.db.one_statement() as session:
                    accepted = int(session.execute(_ACCEPT, row).scalar_one())
        except IntegrityError:
            if signature is None:
                raise
            raise Replayed(signature) from None
        for listener in self._accepted:
            listener()
        return accepted

    def _store_together(self, rows: list[dict[str, Any]]) -> list[int]:
        """Rows accepted at the same moment, in one INSERT (one commit), ids in their order:
        one statement holds the writer and the GIL far less than one per row. RETURNING's
        order is not promised, but SQLite numbers the rows of an INSERT in their order."""
        with self.core.db.transaction() as session:
            return sorted(int(i) for i in session.execute(_ACCEPT, rows).scalars())

    def work_next(self) -> list[Worked]:
        """Claim up to CLAIM of the notifications first in their lanes (a sample of BATCH, so
        threads and processes that read the same heads take different ones) and work them;
        empty when none waits or others hold them all. Each claimed lane is read in order with
        plain reads: the run of notifications that only repeat (nothing new) is settled, every
        lane's in one statement, so a storm's repeats of one group cost one round, not one
        each. A head that may change something is worked with its lane's followers in a
        transaction of its own."""
        now = self.core.clock.now()
        with self.core.db.reading() as session:
            heads = alert_queue.due_heads(session, now=now, limit=BATCH)
        random.shuffle(heads)
        with self.core.db.one_statement() as session:
            claimed = alert_queue.claim_some(session, heads[:CLAIM], now=now, lease=LEASE)
        if not claimed:
            return []
        with self.core.db.reading() as session:
            runs = {head: self._repeats(session, head) for head in claimed}
        repeats = [worked for run in runs.values() for worked in run]
        done: list[Worked] = []
        if repeats:
            with self.core.db.one_statement() as session:
                alert_queue.settle_claimed(
                    session, {r.notification: r.case_id for r in repeats}, now=self.core.clock.now()
                )
            done += sorted(repeats, key=lambda worked: worked.notification)
        for head in claimed:
            if not runs[head]:
                done += self.work_lane(head)
        return done

    def _repeats(self, session: Session, head: int) -> list[Worked]:
        """The claimed head and the followers behind it in its lane, in order, up to the first
        that may change something (or cannot be parsed: that one is worked the long way, and
        set aside); empty when the head itself may change something. Repeats change nothing,
        so the group read once holds for the whole run."""
        alerts = self.policy.alerts
        items = session.execute(_LANE_FROM, {"id": head}).scalars().all()
        source = alerts.sources.get(items[0].source) if alerts and items else None
        if source is None or items[0].id != head:
            return []
        state: grouping.GroupState | None = None
        run: list[Worked] = []
        for item in items:
            try:
                notification = payloads.parse_data(source.kind, item.body)
            except payloads.PayloadError:
                break
            if state is None:
                group = notification.group_hash
                state = grouping.open_group_state(session, source, group)
            if state is None or notification.group_hash != group:
                break
            if not state.repeats(notification):
                break
            run.append(Worked(item.id, state.case_number, False, False, case_id=state.case_id))
        return run

    def work_pending(self, *, max_items: int = 100_000) -> list[Worked]:
        """Work every waiting notification (the sandbox and tests)."""
        done: list[Worked] = []
        while len(done) < max_items:
            worked = self.work_next()
            if not worked:
                break
            done += worked
        return done

    def work_item(self, item_id: int) -> Worked:
        """Work one notification this worker claimed (and its lane's later ones with it)."""
        return self.work_lane(item_id)[0]

    def work_lane(self, item_id: int) -> list[Worked]:
        """Work the claimed notification and the ones already waiting behind it in its lane,
        in order, in one transaction (a storm's changes to a group are worked together; one
        that opens a case ends the batch, so the transaction holding the case-number lock
        stays short). A race with another worker (the same new group, or its case changed) is
        retried, and the loser finds the winner's case; a failure is retried with the claimed
        one alone, then set aside."""
        with self.core.db.reading() as session:
            lane = session.execute(_LANE_IDS_FROM, {"id": item_id}).scalars()
            batch = [item_id, *(other for other in lane if other != item_id)]
        for attempt in range(STALE_RETRIES):
            try:
                return self._apply(batch)
            except (StaleDataError, IntegrityError):
                log.info("alert notification %s raced (attempt %s)", item_id, attempt + 1)
                time.sleep(random.uniform(0, BACKOFF_SECONDS * (attempt + 1)))
            except Exception as exc:
                if len(batch) > 1:
                    batch = [item_id]  # one of the followers may be the bad one
                    continue
                log.exception("alert notification %s could not be worked", item_id)
                self._set_aside(item_id, f"{type(exc).__name__}: {exc}")
                return [Worked(item_id, None, False)]
        self._set_aside(item_id, "changed concurrently too often")
        return [Worked(item_id, None, False)]

    def _apply(self, batch: list[int]) -> list[Worked]:
        """Each notification of `batch` in order, in one transaction, up to the first that opens
        a case; the first is the claimed one (answered even when another worker did it), the
        rest only if still waiting."""
        alerts = self.policy.alerts
        done: list[Worked] = []
        opened = False
        with self.core.transaction() as (session, effects):
            now = self.core.clock.now()

            def record(session: Session, fields: IntakeFields) -> Case:
                errors = self.intake.check(fields)
                if errors:
                    raise UserFacingError("; ".join(f"{e.field}: {e.message}" for e in errors))
                case, notices = self.intake.record_in(session, fields)
                session.flush()
                enqueue(session, now=now, case=case, notices=notices)  # before any link's rows
                effects.append((case, []))
                return case

            for position, item_id in enumerate(batch):
                item = session.get_one(AlertNotification, item_id)
                if item.status != NotificationStatus.PENDING:
                    if position == 0:
                        done.append(Worked(item_id, None, False))
                    continue
                source = alerts.sources.get(item.source) if alerts is not None else None
                if alerts is None or source is None:
                    raise UserFacingError(f"source {item.source!r} is no longer in alerts.yml")
                notification = payloads.parse_data(source.kind, item.body)
                outcome = grouping.apply(
                    session, self.policy, alerts, source, notification, record=record, now=now
                )
                effects.extend(outcome.effects)
                item.status, item.worked_at, item.lease_until = NotificationStatus.DONE, now, None
                item.case_id = outcome.case.id if outcome.case is not None else None
                number = outcome.case.number if outcome.case is not None else None
                done.append(Worked(item_id, number, outcome.opened, outcome.changed))
                if outcome.opened:
                    # Commit now: a new case holds the case-number counter's row lock (and on
                    # SQLite the writer) until commit, and every other intake waits for it. The
                    # followers stay waiting and are worked next, mostly as plain repeats.
                    opened = True
                    break
        if opened:
            self.core.wake()  # the new case's rows were enqueued directly
        return done

    def _set_aside(self, item_id: int, error: str) -> None:
        """Try again later, or after GIVE_UP_AFTER attempts keep it as failed with its error
        (the raw body stays for a person to read)."""
        now = self.core.clock.now()
        with self.core.db.transaction() as session:
            item = session.get_one(AlertNotification, item_id)
            item.error = error[:2000]
            if item.attempts >= GIVE_UP_AFTER:
                item.status, item.lease_until = NotificationStatus.FAILED, None
            else:
                item.lease_until = now + RETRY_AFTER
