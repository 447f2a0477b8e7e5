"""What follows and surrounds a case: cases linked to a major incident (WORK-6) and the problem
cases that severe closes open (CLOSE-5, QUAL-3)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot import major, problems
from bot.desk.core import Area
from bot.desk.views import CaseSummary, ProblemSummary
from bot.notices import Notice
from store.models import Problem


class FollowUpArea(Area):
    """Link and unlink cases to a parent; review, act on and approve problem cases."""

    # -- WORK-6 --------------------------------------------------------------------------------
    def link_cases(self, child: int, parent: int, *, actor: str) -> CaseSummary:
        """Link `child` to `parent` (the parent's summary comes back)."""
        return self.core.act(
            parent,
            lambda s, c: major.link(
                s, self.policy, self.core.case(s, child), c, actor=actor, now=self.clock.now()
            ),
        )

    def unlink_case(self, child: int, *, actor: str, reason: str) -> CaseSummary:
        return self.core.act(
            child,
            lambda s, c: major.unlink(
                s, self.policy, c, actor=actor, reason=reason, now=self.clock.now()
            ),
        )

    # -- CLOSE-5, QUAL-3 -----------------------------------------------------------------------
    def problem(self, ref: str) -> ProblemSummary:
        with self.db.reading() as session:
            return _summary(problems.find(session, problems.parse_ref(ref)))

    def open_problems(self) -> list[ProblemSummary]:
        with self.db.reading() as session:
            return [_summary(p) for p in problems.open_problems(session)]

    def review_problem(self, ref: str, *, actor: str, text: str) -> ProblemSummary:
        return self._act_problem(
            ref,
            lambda s, p: problems.write_review(
                s, self.policy, p, actor=actor, text=text, now=self.clock.now()
            ),
        )

    def add_problem_action(self, ref: str, *, actor: str, text: str) -> ProblemSummary:
        zone = self.policy.calendars[self.policy.default_calendar].timezone
        return self._act_problem(
            ref,
            lambda s, p: problems.add_action(
                s, self.policy, p, actor=actor, text=text, now=self.clock.now(), zone=zone
            ),
        )

    def complete_problem_action(
        self, ref: str, number: int, *, actor: str, note: str = ""
    ) -> ProblemSummary:
        return self._act_problem(
            ref,
            lambda s, p: problems.complete_action(
                s, self.policy, p, actor=actor, number=number, note=note, now=self.clock.now()
            ),
        )

    def submit_problem(self, ref: str, *, actor: str) -> ProblemSummary:
        return self._act_problem(
            ref,
            lambda s, p: problems.submit(s, self.policy, p, actor=actor, now=self.clock.now()),
        )

    def decide_problem(
        self, ref: str, *, actor: str, approve: bool, reason: str = ""
    ) -> ProblemSummary:
        return self._act_problem(
            ref,
            lambda s, p: problems.decide(
                s, self.policy, p, actor=actor, approve=approve, reason=reason, now=self.clock.now()
            ),
        )

    def _act_problem(
        self, ref: str, change: Callable[[Session, Problem], list[Notice]]
    ) -> ProblemSummary:
        """A problem's steps are changes of its originating case (its lane, its version)."""
        problem_id = problems.parse_ref(ref)
        with self.db.reading() as session:
            number = problems.find(session, problem_id).case.number
        self.core.act(number, lambda s, _case: change(s, problems.find(s, problem_id)))
        return self.problem(ref)


def _summary(problem: Problem) -> ProblemSummary:
    return ProblemSummary(
        id=problem.id,
        ref=problem.ref,
        state=problem.state,
        state_label=problems.STATES[problem.state],
        case_ref=problem.case.ref,
        owner_id=problem.owner_id,
        reviewed=bool(problem.review),
        actions=len(problem.actions),
        open_actions=sum(1 for a in problem.actions if a.done_at is None),
    )
