"""Timers (DESIGN decision 3): due times in the database, fired once by a sweep.

A timer is data: a kind, a due time, a case and a payload. Adding a reminder means a handler in
`bot/reminders.py` and a `schedule()` call, not a new job. The sweep locks what is due (FOR UPDATE
SKIP LOCKED on PostgreSQL; SQLite's single writer does the same), calls each handler, writes the
messages it returns to the outbox and marks the timer fired, all in one transaction: a restart
or a second process can never fire a timer twice, and nothing that fell due is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot import home_refresh
from bot.clock import Clock
from bot.notices import Notice, enqueue
from config.policy import Policy
from store.db import Database
from store.models import Case, Timer

log = logging.getLogger(__name__)

BATCH = 200


@dataclass(frozen=True, kw_only=True)
class Firing:
    """What a handler gets: the timer, its case, the time, and whether it fires late."""

    session: Session
    policy: Policy
    timer: Timer
    case: Case | None
    now: datetime
    late: bool


Handler = Callable[[Firing], list[Notice]]


def schedule(
    session: Session,
    *,
    key: str,
    kind: str,
    due_at: datetime,
    now: datetime,
    case: Case | None = None,
    payload: dict[str, Any] | None = None,
    fresh: bool = False,
) -> Timer:
    """Set the one active timer under `key` to fire at `due_at` (moving it if it exists).
    `fresh`: what the key names was created in this transaction, so no timer can be under it
    yet and the lookup (a flush and a query) is skipped; a case's intake sets four."""
    timer = None if fresh else active(session, key)
    if timer is None:
        timer = Timer(
            key=key,
            kind=kind,
            case_id=case.id if case else None,
            due_at=due_at,
            payload=payload or {},
            created_at=now,
        )
        session.add(timer)
    else:
        timer.kind, timer.due_at, timer.payload = kind, due_at, payload or timer.payload
    return timer


def cancel(session: Session, key: str, *, now: datetime) -> bool:
    """Stop the active timer under `key`; False when there was none."""
    timer = active(session, key)
    if timer is None:
        return False
    timer.cancelled_at = now
    session.flush()
    return True


def active(session: Session, key: str) -> Timer | None:
    session.flush()
    return session.execute(
        select(Timer).where(
            Timer.key == key, Timer.fired_at.is_(None), Timer.cancelled_at.is_(None)
        )
    ).scalar_one_or_none()


@dataclass(frozen=True)
class SweepResult:
    fired: int
    late: int
    failed: int


class Sweeper:
    """Fires due timers through their handlers; safe to run in any number of processes."""

    def __init__(
        self,
        *,
        db: Database,
        policy: Policy,
        clock: Clock,
        handlers: Mapping[str, Handler],
        interval: float = 5.0,
    ) -> None:
        self.db = db
        self.policy = policy
        self.clock = clock
        self.handlers = handlers
        self.interval = interval
        self._listeners: list[Callable[[], None]] = []
        self._scheduler: Any = None

    def on_fired(self, listener: Callable[[], None]) -> None:
        """Called after a sweep wrote outbox rows (the dispatcher's wake-up)."""
        self._listeners.append(listener)

    def next_due(self) -> datetime | None:
        """When the next active timer falls due."""
        with self.db.reading() as session:
            return session.execute(
                select(func.min(Timer.due_at)).where(
                    Timer.fired_at.is_(None), Timer.cancelled_at.is_(None)
                )
            ).scalar()

    def sweep(self) -> SweepResult:
        """Fire everything due now, a batch per transaction, until nothing is due."""
        fired = late = failed = 0
        while True:
            batch = self._sweep_batch()
            fired, late, failed = fired + batch.fired, late + batch.late, failed + batch.failed
            if batch.fired + batch.failed < BATCH:
                break
        if fired:
            for listener in self._listeners:
                listener()
        return SweepResult(fired=fired, late=late, failed=failed)

    def _sweep_batch(self) -> SweepResult:
        now = self.clock.now()
        lateness = timedelta(seconds=max(2 * self.interval, 30))
        fired = late = failed = 0
        with self.db.transaction() as session:
            query = (
                select(Timer)
                .where(Timer.fired_at.is_(None), Timer.cancelled_at.is_(None), Timer.due_at <= now)
                .order_by(Timer.due_at)
                .limit(BATCH)
            )
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            timers = session.execute(query).scalars().all()
            # One query for the cases with their clocks and parties, held here so the session
            # keeps them (its identity map holds objects only weakly) for every firing below.
            cases = {
                case.id: case
                for case in session.execute(
                    select(Case)
                    .where(Case.id.in_({t.case_id for t in timers if t.case_id is not None}))
                    .options(selectinload(Case.clocks), selectinload(Case.parties))
                ).scalars()
            }
            lates = {t.id: now - t.due_at > lateness for t in timers}
            try:  # the usual case: the whole batch in one savepoint, one flush
                with session.begin_nested():
                    for timer in timers:
                        self._fire(
                            session,
                            timer,
                            cases.get(timer.case_id or 0),
                            now=now,
                            late=lates[timer.id],
                        )
                fired = len(timers)
            except Exception:  # one broken timer: fire one by one, so only it is set aside
                log.warning("a timer failed; firing this batch one by one", exc_info=True)
                for timer in timers:
                    try:
                        with session.begin_nested():
                            self._fire(
                                session,
                                timer,
                                cases.get(timer.case_id or 0),
                                now=now,
                                late=lates[timer.id],
                            )
                        fired += 1
                    except Exception as exc:
                        log.exception("timer %s (%s) failed", timer.id, timer.kind)
                        timer.fired_at, timer.error = now, f"{type(exc).__name__}: {exc}"[:2000]
                        failed += 1
            late = sum(1 for t in timers if lates[t.id] and t.error is None)
        return SweepResult(fired=fired, late=late, failed=failed)

    def _fire(
        self, session: Session, timer: Timer, case: Case | None, *, now: datetime, late: bool
    ) -> None:
        handler = self.handlers.get(timer.kind)
        if handler is None:
            raise LookupError(f"no handler for timer kind {timer.kind!r}")
        timer.fired_at, timer.late = now, late
        notices = handler(
            Firing(session=session, policy=self.policy, timer=timer, case=case, now=now, late=late)
        )
        if notices and case is not None:
            enqueue(session, now=now, case=case, notices=notices, policy=self.policy)
        home_refresh.republish(session, self.policy, now=now)

    def start(self) -> None:
        """Sweep every `interval` seconds in the background (APScheduler) until stop()."""
        from apscheduler.schedulers.background import BackgroundScheduler

        scheduler = self._scheduler = BackgroundScheduler(daemon=True)
        scheduler.add_job(
            self._safe_sweep,
            "interval",
            seconds=self.interval,
            id="casedesk-sweep",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        scheduler.start()

    def stop(self, *, wait: bool = True) -> None:
        """Stop sweeping; `wait`: let a sweep under way finish first."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=wait)
            self._scheduler = None

    def _safe_sweep(self) -> None:
        try:
            self.sweep()
        except Exception:  # the schedule must outlive a bad moment of the database
            log.exception("sweep failed")
