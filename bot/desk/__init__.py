"""The workflow's front door: each action is one transaction that changes cases and writes the
Slack effects to the outbox together, then wakes the dispatcher. Handlers, the sandbox and tests
all come through here, with plain values in and plain values out; nothing here knows Slack.

`Desk` holds one object per area, reached by name (`desk.work.take(...)`); each area is given
the one shared core (transactions, retries, outbox plumbing) and none inherits from another.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.clock import Clock
from bot.desk.closing import ClosingArea
from bot.desk.contact import ContactArea
from bot.desk.core import DeskCore, parse_case_ref
from bot.desk.dm_questions import DmQuestionArea
from bot.desk.follow_up import FollowUpArea
from bot.desk.forms import FormsArea
from bot.desk.intake import IntakeArea
from bot.desk.knowledge import KnowledgeArea
from bot.desk.lists import ListsArea
from bot.desk.reports import ReportsArea
from bot.desk.requests import RequestsArea
from bot.desk.subscribers import SubscribersArea
from bot.desk.views import CaseSummary, HeldForDuplicates, ProblemSummary, Recorded
from bot.desk.work import WorkArea
from config.policy import Policy
from kb.service import KnowledgeBase
from store.db import Database


class Desk:
    """One desk: its policy, its database and its clock, with its actions by area."""

    def __init__(
        self, *, db: Database, policy: Policy, clock: Clock, kb: KnowledgeBase | None = None
    ) -> None:
        self.core = DeskCore(db=db, policy=policy, clock=clock, kb=kb)
        self.intake = IntakeArea(self.core)
        self.work = WorkArea(self.core)
        self.closing = ClosingArea(self.core)
        self.requests = RequestsArea(self.core)
        self.follow_up = FollowUpArea(self.core)
        self.contact = ContactArea(self.core)
        self.dm_questions = DmQuestionArea(self.core)
        self.knowledge = KnowledgeArea(self.core)
        self.forms = FormsArea(self.core)
        self.lists = ListsArea(self.core)
        self.reports = ReportsArea(self.core)
        self.subscribers = SubscribersArea(self.core)

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

    @kb.setter
    def kb(self, kb: KnowledgeBase | None) -> None:
        self.core.kb = kb

    def on_commit(self, listener: Callable[[], None]) -> None:
        """Called after every commit that wrote outbox rows (the dispatcher's wake-up)."""
        self.core.on_commit(listener)

    def require_staff(self, actor: str, *, to: str) -> None:
        """A staff-only command refused before its words are read (the action checks again)."""
        self.core.require_staff(actor, to=to)

    def summary(self, number: int) -> CaseSummary:
        return self.core.summary(number)


__all__ = [
    "CaseSummary",
    "Desk",
    "DeskCore",
    "HeldForDuplicates",
    "ProblemSummary",
    "Recorded",
    "parse_case_ref",
]
