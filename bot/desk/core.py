"""The front door's plumbing: one transaction per action, the case it acts on, the outbox
rows it wrote, and the plain summary (`bot/desk/views.py`) handed back to handlers."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from bot import home_refresh, permissions, suggestions
from bot.clock import Clock
from bot.desk.views import CaseSummary, summarize
from bot.errors import CaseChanged, CaseNotFound, UserFacingError
from bot.notices import Notice, enqueue
from config.policy import Policy
from kb.service import KnowledgeBase
from store.db import Database
from store.models import Case

log = logging.getLogger(__name__)
T = TypeVar("T")
STALE_RETRIES = 6
LARGEST_ID = 2**31 - 1  # the database's integer columns hold no more
BACKOFF_SECONDS = 0.02  # times the attempt number, jittered: busy cases spread their retries
# Built once: every case action reads its case this way, and building the statement (its
# joined-load option above all) cost more than running it. The parties come along because every
# case action asks who coordinates the case.
_CASE_BY_NUMBER = (
    select(Case).where(Case.number == bindparam("number")).options(joinedload(Case.parties))
)


class DeskCore:
    """One desk: its policy, its database and its clock."""

    def __init__(
        self, *, db: Database, policy: Policy, clock: Clock, kb: KnowledgeBase | None = None
    ) -> None:
        self.db = db
        self.policy = policy
        self.clock = clock
        self.kb = kb
        self._listeners: list[Callable[[], None]] = []

    def on_commit(self, listener: Callable[[], None]) -> None:
        """Called after every commit that wrote outbox rows (the dispatcher's wake-up)."""
        self._listeners.append(listener)

    def wake(self) -> None:
        """Tell the listeners that outbox rows were committed."""
        for listener in self._listeners:
            listener()

    def require_staff(self, actor: str, *, to: str) -> None:
        """PERM-1/PERM-2: the desk or a resolver group; a refusal names them."""
        permissions.require(actor, [permissions.staff(self.policy)], to=to)

    def summary(self, number: int) -> CaseSummary:
        with self.db.reading() as session:
            return self.summary_of(self.case(session, number))

    def suggest(self, number: int, *, actor: str) -> None:
        """WORK-2: post the knowledge base's best matches, when they changed. Advisory: a KB
        failure is logged and never undoes the change that asked for suggestions."""
        if self.kb is None:
            return
        with self.db.reading() as session:
            query = suggestions.query_of(self.case(session, number))
        try:
            found = suggestions.find(self.kb, query)
        except Exception:
            log.exception("knowledge base suggestions failed for CASE-%s", number)
            return
        with self.transaction() as (session, effects):
            case = self.case(session, number)
            posted = suggestions.post(self.policy, case, found, now=self.clock.now())
            effects.append((case, posted))
        if posted:
            self.kb.record_shown(
                [s.article_id for s in found],
                case_number=number,
                actor=actor,
                query=f"{query['summary']}\n{query['description']}",
            )

    def read(self, number: int, reader: Callable[[Case], T]) -> T:
        """Run `reader` on the case in a read-only session (for rendering views of it)."""
        with self.db.reading() as session:
            return reader(self.case(session, number))

    def act(self, number: int, change: Callable[[Session, Case], list[Notice]]) -> CaseSummary:
        """Apply a change to one case; a concurrent change makes it re-read and try again."""
        for attempt in range(STALE_RETRIES):
            try:
                with self.transaction() as (session, effects):
                    case = self.case(session, number)
                    effects.append((case, change(session, case)))
                    session.flush()
                    return self.summary_of(case)
            except (StaleDataError, IntegrityError):
                log.info("CASE-%s changed concurrently (attempt %s)", number, attempt + 1)
                time.sleep(random.uniform(0, BACKOFF_SECONDS * (attempt + 1)))
        raise CaseChanged(
            f"CASE-{number} was changed by someone else at the same moment; "
            "look at it again and retry."
        )

    @contextmanager
    def transaction(self) -> Iterator[tuple[Session, list[tuple[Case, list[Notice]]]]]:
        effects: list[tuple[Case, list[Notice]]] = []
        with self.db.transaction() as session:
            yield session, effects
            for case, notices in effects:
                session.flush()
                enqueue(
                    session, now=self.clock.now(), case=case, notices=notices, policy=self.policy
                )
            homes = home_refresh.republish(session, self.policy, now=self.clock.now())
        if homes or any(notices for _, notices in effects):
            self.wake()

    def case(self, session: Session, number: int) -> Case:
        if not 0 < number <= LARGEST_ID:  # a forged or mistyped number: no such case
            raise CaseNotFound(f"There is no CASE-{number}. Check the number and try again.")
        case = session.execute(_CASE_BY_NUMBER, {"number": number}).unique().scalar_one_or_none()
        if case is None:
            raise CaseNotFound(f"There is no CASE-{number}. Check the number and try again.")
        return case

    def summary_of(self, case: Case) -> CaseSummary:
        return summarize(self.policy, case)


class Area:
    """One area of the desk's actions. Every area holds the one core it was given (its
    transaction, retries and outbox plumbing); areas never inherit from one another."""

    def __init__(self, core: DeskCore) -> None:
        self.core = core

    @property
    def policy(self) -> Policy:
        return self.core.policy

    @property
    def db(self) -> Database:
        return self.core.db

    @property
    def clock(self) -> Clock:
        return self.core.clock

    @property
    def kb(self) -> KnowledgeBase | None:
        return self.core.kb


def parse_case_ref(text: str) -> int:
    """`CASE-1042`, `case-1042` or `1042` to 1042; a clear error otherwise."""
    raw = text.strip().upper().removeprefix("CASE-").removeprefix("#")
    if not raw.isdigit():
        raise UserFacingError(f"{text.strip()!r} is not a case number. Write it as CASE-1042.")
    return int(raw)
