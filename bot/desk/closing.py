"""The end of a case's life: attempt, verification, approval, close, survey, planned outages."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.orm import Session

from bot import (
    changes,
    closure,
    surveys,
)
from bot.desk.core import Area, DeskCore
from bot.desk.views import CaseSummary
from bot.errors import UserFacingError
from bot.notices import Notice
from kb.service import KbError
from store.models import Case

log = logging.getLogger(__name__)


class ClosingArea(Area):
    """Resolve, verify, approve and close (CLOSE-1..6, QUAL-1, WORK-3)."""

    # -- resolve, verify, close (CLOSE-1, CLOSE-2, CLOSE-4) ------------------------------------
    def propose_resolution(
        self, number: int, *, actor: str, attempt: closure.Attempt
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: closure.propose(
                s, self.policy, c, actor=actor, attempt=attempt, now=self.clock.now()
            ),
        )

    def ask_requester(self, number: int, *, actor: str) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: closure.ask_requester(
                s, self.policy, c, actor=actor, now=self.clock.now()
            ),
        )

    def answer_verification(
        self, number: int, *, actor: str, working: bool, words: str = ""
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: closure.answer(
                s, self.policy, c, actor=actor, working=working, words=words, now=self.clock.now()
            ),
        )

    def close(self, number: int, *, actor: str, record: closure.ClosureRecord) -> CaseSummary:
        summary = self.core.act(
            number,
            lambda s, c: closure.close(
                s, self.policy, c, actor=actor, record=record, now=self.clock.now()
            ),
        )
        link_articles(self.core, summary, actor=actor)
        return summary

    def withdraw(self, number: int, *, actor: str, reason: str = "") -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: closure.withdraw(
                s, self.policy, c, actor=actor, reason=reason, now=self.clock.now()
            ),
        )

    def approve_close(self, number: int, *, actor: str) -> CaseSummary:
        summary = self.core.act(
            number,
            lambda s, c: closure.approve(s, self.policy, c, actor=actor, now=self.clock.now()),
        )
        link_articles(self.core, summary, actor=actor)
        return summary

    def reject_close(self, number: int, *, actor: str, reason: str) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: closure.reject(
                s, self.policy, c, actor=actor, reason=reason, now=self.clock.now()
            ),
        )

    def answer_survey(self, number: int, *, actor: str, question: str, choice: str) -> None:
        self.core.act(
            number,
            lambda s, c: surveys.answer(
                s, c, actor=actor, question=question, choice=choice, now=self.clock.now()
            ),
        )

    def survey_figures(self, *, days: int, actor: str) -> surveys.SurveyFigures:
        self.core.require_staff(actor, to="read the survey figures")
        with self.db.reading() as session:
            return surveys.figures(session, since=self.clock.now() - timedelta(days=days))

    # -- the forward schedule of change (WORK-3) ---------------------------------------------
    def add_change(self, *, actor: str, text: str) -> changes.Window:
        calendar = self.policy.calendars[self.policy.default_calendar]
        with self.db.transaction() as session:
            change = changes.add(
                session,
                self.policy,
                actor=actor,
                text=text,
                now=self.clock.now(),
                calendar=calendar,
            )
            return changes.window_of(change)

    def remove_change(self, *, actor: str, text: str) -> tuple[changes.Window, list[str]]:
        """WORK-3: take a window off the schedule; the refs of the open cases it unflagged."""
        with self.core.transaction() as (session, effects):
            change, unflagged = changes.remove(
                session, self.policy, actor=actor, text=text, now=self.clock.now()
            )
            effects.extend(unflagged)
            return changes.window_of(change), [case.ref for case, _ in unflagged]

    def planned_changes(self, *, service_key: str | None = None) -> list[changes.Window]:
        with self.db.reading() as session:
            return changes.windows(
                session, self.policy, now=self.clock.now(), service_key=service_key
            )

    def close_planned_outage(self, number: int, *, actor: str) -> CaseSummary:
        """WORK-3's one click: closed with the code "planned outage" and the change as the
        follow-up record."""

        def change(session: Session, case: Case) -> list[Notice]:
            window = changes.planned_outage_of(case)
            if window is None:
                raise UserFacingError(
                    f"{case.ref} was not recorded inside a planned change; close it with the "
                    "close form instead."
                )
            causes = self.policy.closure.root_causes
            record = closure.ClosureRecord(
                code="planned_outage",
                root_cause="Configuration change"
                if "Configuration change" in causes
                else causes[0],
                fix="workaround",
                kb="none",
                restored="follow_up",
                follow_up=window[0],
            )
            return closure.close(
                session, self.policy, case, actor=actor, record=record, now=self.clock.now()
            )

        return self.core.act(number, change)


def link_articles(core: DeskCore, summary: CaseSummary, *, actor: str) -> None:
    """KB-4 at close: the articles the resolver used are linked to the case, as applied
    (and resolved) when the close says an article was applied, else as reviewed. A KB
    failure is logged and never undoes the close."""
    if core.kb is None or summary.state != "closed":
        return
    resolution, closed = core.read(summary.number, lambda c: (c.resolution, c.closure))
    applied = closed is not None and closed.kb == "applied"
    relations = ("applied", "resolved") if applied else ("reviewed",)
    for article in resolution.articles if resolution else ():
        for relation in relations:
            try:
                core.kb.link(summary.number, str(article), relation, actor=actor)
            except KbError:
                log.info("CASE-%s names %s, which is not an article", summary.number, article)
