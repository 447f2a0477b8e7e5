"""Working a case: take and estimates, reclassification, support decisions, updates and waiting,
handoff, consult, the command-center test, escalation, transfer and return to owner."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from bot import (
    command_center_test,
    consult,
    estimates,
    handoff,
    major,
    reassign,
    reassign_report,
    reclassify,
    sla_alerts,
    status_updates,
    supportability,
    take,
    unsupported_report,
    validation,
    waiting,
)
from bot.desk.core import Area
from bot.desk.views import CaseSummary
from bot.errors import UserFacingError
from bot.notices import Notice
from bot.reclassify import Reclassification
from store.models import Case


class WorkArea(Area):
    """Every step of working a case between intake and resolution."""

    # -- working a case -----------------------------------------------------------------------
    def take(self, number: int, *, actor: str, estimate: str = "") -> CaseSummary:
        """ROUTE-2/WORK-1: take the case; an estimate given with it is promised at once (a bad
        estimate refuses the whole take, so nothing is half done). A take that would be refused
        is refused from a read, without waiting for the writer; the write checks again."""
        with self.db.reading() as session:
            take.check_takeable(self.policy, self.core.case(session, number), actor)

        def change(session: Session, case: Case) -> list[Notice]:
            now = self.clock.now()
            notices = take.take(session, self.policy, case, actor=actor, now=now)
            if estimate.strip():
                notices += estimates.give(
                    session, self.policy, case, actor=actor, text=estimate, now=now
                )
            return notices

        return self.core.act(number, change)

    def give_estimate(self, number: int, *, actor: str, text: str) -> CaseSummary:
        """WORK-1: the promise to the requester (next contact or resolution)."""
        return self.core.act(
            number,
            lambda s, c: estimates.give(
                s, self.policy, c, actor=actor, text=text, now=self.clock.now()
            ),
        )

    def reclassify(
        self, number: int, change: Reclassification, *, actor: str, reason: str
    ) -> CaseSummary:
        if not reason.strip():
            raise UserFacingError("Give a reason for the change: it goes on the timeline.")
        summary = self.core.act(
            number,
            lambda s, c: reclassify.reclassify(
                s, self.policy, c, change, actor=actor, reason=reason.strip(), now=self.clock.now()
            ),
        )
        self.core.suggest(number, actor=actor)
        return summary

    def confirm(self, number: int, *, actor: str) -> CaseSummary:
        """INTAKE-5: a person confirms an automated contact's data; a case held because it
        would be major starts the major path at once. A second confirm is refused from a read,
        saying who confirmed it, and changes nothing."""
        with self.db.reading() as session:
            validation.check_confirmable(self.policy, self.core.case(session, number), actor)
        return self.core.act(
            number,
            lambda s, c: validation.confirm(s, self.policy, c, actor=actor, now=self.clock.now()),
        )

    def approve_override(
        self, number: int, *, actor: str, reason: str, lasting: bool
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: supportability.approve_override(
                s, self.policy, c, actor=actor, reason=reason, lasting=lasting, now=self.clock.now()
            ),
        )

    def decline(self, number: int, *, actor: str, reason: str) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: supportability.decline(
                s, self.policy, c, actor=actor, reason=reason, now=self.clock.now()
            ),
        )

    def post_update(self, number: int, *, actor: str, text: str) -> CaseSummary:
        """BCAST-1; on a major incident the update also reaches its linked cases' requesters."""

        def change(session: Session, case: Case) -> list[Notice]:
            now = self.clock.now()
            notices = status_updates.post_update(
                session, self.policy, case, actor=actor, text=text, now=now
            )
            update = next(e for e in reversed(case.events) if e.kind == "status_update")
            major.share_update(session, case, event_id=update.id, actor=actor, now=now)
            return notices

        return self.core.act(number, change)

    def wait_on_requester(self, number: int, *, actor: str, reason: str) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: waiting.wait_on_requester(
                s, self.policy, c, actor=actor, reason=reason, now=self.clock.now()
            ),
        )

    def resume(self, number: int, *, actor: str) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: waiting.resume(s, self.policy, c, actor=actor, now=self.clock.now()),
        )

    # -- coordination: warm handoff (ROUTE-3), consult (ROUTE-5), command-center test (ROUTE-6)
    def handoff(
        self, number: int, *, actor: str, to_user: str, note: str, replacing: int | None = None
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: handoff.offer(
                s,
                self.policy,
                c,
                actor=actor,
                to_user=to_user,
                note=note,
                now=self.clock.now(),
                replacing=replacing,
            ),
        )

    def accept_handoff(self, number: int, handoff_id: int, *, actor: str) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: handoff.accept(
                s, self.policy, c, handoff_id=handoff_id, actor=actor, now=self.clock.now()
            ),
        )

    def decline_handoff(
        self, number: int, handoff_id: int, *, actor: str, reason: str
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: handoff.decline(
                s,
                self.policy,
                c,
                handoff_id=handoff_id,
                actor=actor,
                reason=reason,
                now=self.clock.now(),
            ),
        )

    def cancel_handoff(self, number: int, *, actor: str) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: handoff.cancel(s, self.policy, c, actor=actor, now=self.clock.now()),
        )

    def consult(
        self, number: int, *, actor: str, group_key: str, via: str, question: str
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: consult.consult(
                s,
                self.policy,
                c,
                actor=actor,
                group_key=group_key,
                via=via,
                question=question,
                now=self.clock.now(),
            ),
        )

    def page_on_call(self, number: int, *, actor: str) -> CaseSummary:
        """SLA-2: the warning's "Page the group's on-call" for a case nobody has taken."""
        return self.core.act(
            number,
            lambda s, c: sla_alerts.page_on_call(
                s, self.policy, c, actor=actor, now=self.clock.now()
            ),
        )

    def decide_after_consult(
        self, number: int, consult_id: int, *, actor: str, decision: str
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: consult.decide(
                s,
                self.policy,
                c,
                consult_id=consult_id,
                decision=decision,
                actor=actor,
                now=self.clock.now(),
            ),
        )

    def answer_center_test(
        self, number: int, *, round_number: int, question: str, value: str, actor: str
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: command_center_test.answer(
                s,
                self.policy,
                c,
                round_number=round_number,
                question=question,
                value=value,
                actor=actor,
                now=self.clock.now(),
            ),
        )

    # -- escalate, transfer (ROUTE-4), return to owner (ROUTE-7) --------------------------------
    def reassign(
        self, number: int, *, how: str, to_group: str, reason: str, actor: str
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: reassign.reassign(
                s,
                self.policy,
                c,
                how=how,
                to_group=to_group,
                reason=reason,
                actor=actor,
                now=self.clock.now(),
            ),
        )

    def return_to_owner(self, number: int, *, note: str, actor: str) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: reassign.return_to_owner(
                s, self.policy, c, note=note, actor=actor, now=self.clock.now()
            ),
        )

    def reassignment_figures(self, *, days: int, actor: str) -> reassign_report.ReassignmentFigures:
        self.core.require_staff(actor, to="read the reassignment figures")
        with self.db.reading() as session:
            since = self.clock.now() - timedelta(days=days)
            return reassign_report.figures(session, since=since)

    def unsupported_services(
        self, *, days: int, actor: str
    ) -> unsupported_report.UnsupportedReport:
        """CLASSIFY-2: services missing from the catalog or unsupported, and time spent."""
        self.core.require_staff(actor, to="read the unsupported-services report")
        now = self.clock.now()
        with self.db.reading() as session:
            return unsupported_report.report(
                session, self.policy, since=now - timedelta(days=days), now=now
            )
