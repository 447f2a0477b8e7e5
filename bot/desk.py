"""The workflow's front door: each method is one transaction that changes cases and writes the
Slack effects to the outbox together, then wakes the dispatcher. Handlers, the sandbox and tests
all come through here, with plain values in and plain values out; nothing here knows Slack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot import (
    case_notes,
    changes,
    closure,
    command_center_test,
    consult,
    estimates,
    handoff,
    home,
    intake,
    permissions,
    reassign,
    reassign_report,
    reclassify,
    sla,
    status_updates,
    suggestions,
    supportability,
    surveys,
    take,
    waiting,
)
from bot.clock import Clock
from bot.errors import CaseChanged, CaseNotFound, UserFacingError
from bot.home import HomeData
from bot.intake_fields import FieldError, IntakeFields, check_fields
from bot.notices import Notice, enqueue
from bot.reclassify import Reclassification
from bot.render.history import history_message
from bot.targets import first_response_due
from bot.vocabulary import OPEN_STATES
from config.policy import Policy
from kb.service import KbError, KnowledgeBase
from store.db import Database
from store.models import Case, IntakeDraft, OutboxItem, SeenRequest
from store.outbox import add_item

log = logging.getLogger(__name__)
T = TypeVar("T")
DRAFT_LIFETIME = timedelta(hours=12)
STALE_RETRIES = 3


@dataclass(frozen=True, kw_only=True)
class CaseSummary:
    """What a handler needs to answer the person who acted, read inside the transaction."""

    number: int
    ref: str
    summary: str
    state: str
    priority: str
    priority_label: str
    is_major: bool
    requester_id: str
    coordinator_id: str
    group_name: str | None
    support_status: str
    first_response_due: datetime
    channel_id: str | None


@dataclass(frozen=True, kw_only=True)
class Recorded:
    case: CaseSummary
    already: bool = False


@dataclass(frozen=True, kw_only=True)
class HeldForDuplicates:
    """INTAKE-4: nothing recorded yet; the reporter chooses between these and a new case."""

    draft_id: int
    requester_open: list[CaseSummary]
    similar: list[tuple[CaseSummary, float]]


class Desk:
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

    # -- intake -------------------------------------------------------------------------------
    def check(self, fields: IntakeFields) -> list[FieldError]:
        return check_fields(fields, self.policy)

    def intake(
        self, fields: IntakeFields, *, request_key: str | None = None, check_duplicates: bool = True
    ) -> Recorded | HeldForDuplicates:
        """Record the contact, or hold it as a draft when it may duplicate an open case."""
        errors = self.check(fields)
        if errors:
            raise UserFacingError("\n".join(e.message for e in errors))
        with self._transaction() as (session, effects):
            if request_key is not None:
                seen = session.get(SeenRequest, request_key)
                if seen is not None and seen.case_id is not None:
                    return Recorded(
                        case=self._summary(session.get_one(Case, seen.case_id)), already=True
                    )
            if check_duplicates:
                found = intake.find_duplicates(session, fields)
                if found:
                    draft = IntakeDraft(
                        reporter_id=fields.reporter_id,
                        fields=asdict(fields),
                        created_at=self.clock.now(),
                    )
                    session.add(draft)
                    session.flush()
                    return HeldForDuplicates(
                        draft_id=draft.id,
                        requester_open=[self._summary(c) for c in found.requester_open],
                        similar=[(self._summary(c), s) for c, s in found.similar],
                    )
            case = self._record(session, fields, effects, request_key)
            recorded = Recorded(case=self._summary(case))
        self.suggest(recorded.case.number, actor=fields.reporter_id)
        return recorded

    def suggest(self, number: int, *, actor: str) -> None:
        """WORK-2: post the knowledge base's best matches, when they changed. Advisory: a KB
        failure is logged and never undoes the change that asked for suggestions."""
        if self.kb is None:
            return
        with self.db.transaction() as session:
            query = suggestions.query_of(self._case(session, number))
        try:
            found = suggestions.find(self.kb, query)
        except Exception:
            log.exception("knowledge base suggestions failed for CASE-%s", number)
            return
        with self._transaction() as (session, effects):
            case = self._case(session, number)
            posted = suggestions.post(self.policy, case, found, now=self.clock.now())
            effects.append((case, posted))
        if posted:
            self.kb.record_shown([s.article_id for s in found], case_number=number, actor=actor)

    def record_draft(self, draft_id: int, *, actor: str) -> Recorded:
        """The reporter looked at the possible duplicates and wants a new case anyway."""
        with self._transaction() as (session, effects):
            draft, fields = self._open_draft(session, draft_id, actor)
            key = f"draft:{draft_id}"
            if draft.used_at is not None:
                return self._draft_outcome(session, draft)
            case = self._record(session, fields, effects, key)
            draft.used_at, draft.outcome = self.clock.now(), f"recorded:{case.id}"
            recorded = Recorded(case=self._summary(case))
        self.suggest(recorded.case.number, actor=actor)
        return recorded

    def link_draft(self, draft_id: int, number: int, *, actor: str) -> Recorded:
        """The reporter links the contact to an existing open case instead of a new one."""
        with self._transaction() as (session, effects):
            draft, fields = self._open_draft(session, draft_id, actor)
            if draft.used_at is not None:
                return self._draft_outcome(session, draft)
            case = self._case(session, number)
            if case.state == "closed":
                raise UserFacingError(f"{case.ref} is closed; record a new case instead.")
            effects.append(
                (case, intake.link_contact(self.policy, case, fields, now=self.clock.now()))
            )
            draft.used_at, draft.outcome = self.clock.now(), f"linked:{case.id}"
            return Recorded(case=self._summary(case))

    def _record(
        self,
        session: Session,
        fields: IntakeFields,
        effects: list[tuple[Case, list[Notice]]],
        request_key: str | None,
    ) -> Case:
        case, notices = intake.record_case(session, self.policy, fields, now=self.clock.now())
        changes.flag_at_intake(session, case, now=self.clock.now())
        effects.append((case, notices))
        if request_key is not None:
            session.add(SeenRequest(key=request_key, case_id=case.id, at=self.clock.now()))
        return case

    def _open_draft(
        self, session: Session, draft_id: int, actor: str
    ) -> tuple[IntakeDraft, IntakeFields]:
        draft = session.get(IntakeDraft, draft_id)
        if draft is None or draft.reporter_id != actor:
            raise UserFacingError(
                "That intake is not yours or no longer exists; start again with /case."
            )
        if draft.used_at is None and self.clock.now() - draft.created_at > DRAFT_LIFETIME:
            raise UserFacingError("That intake is more than 12 hours old; start again with /case.")
        fields = dict(draft.fields)
        return draft, IntakeFields(**fields)

    def _draft_outcome(self, session: Session, draft: IntakeDraft) -> Recorded:
        """A second click on the same choice answers with what the first one did."""
        _, case_id = (draft.outcome or ":").split(":", 1)
        return Recorded(case=self._summary(session.get_one(Case, int(case_id))), already=True)

    # -- working a case -----------------------------------------------------------------------
    def take(self, number: int, *, actor: str, estimate: str = "") -> CaseSummary:
        """ROUTE-2/WORK-1: take the case; an estimate given with it is promised at once (a bad
        estimate refuses the whole take, so nothing is half done)."""

        def change(session: Session, case: Case) -> list[Notice]:
            now = self.clock.now()
            notices = take.take(session, self.policy, case, actor=actor, now=now)
            if estimate.strip():
                notices += estimates.give(
                    session, self.policy, case, actor=actor, text=estimate, now=now
                )
            return notices

        return self._act(number, change)

    def give_estimate(self, number: int, *, actor: str, text: str) -> CaseSummary:
        """WORK-1: the promise to the requester (next contact or resolution)."""
        return self._act(
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
        summary = self._act(
            number,
            lambda s, c: reclassify.reclassify(
                s, self.policy, c, change, actor=actor, reason=reason.strip(), now=self.clock.now()
            ),
        )
        self.suggest(number, actor=actor)
        return summary

    def approve_override(
        self, number: int, *, actor: str, reason: str, lasting: bool
    ) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: supportability.approve_override(
                s, self.policy, c, actor=actor, reason=reason, lasting=lasting, now=self.clock.now()
            ),
        )

    def decline(self, number: int, *, actor: str, reason: str) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: supportability.decline(
                s, self.policy, c, actor=actor, reason=reason, now=self.clock.now()
            ),
        )

    def post_update(self, number: int, *, actor: str, text: str) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: status_updates.post_update(
                s, self.policy, c, actor=actor, text=text, now=self.clock.now()
            ),
        )

    def wait_on_requester(self, number: int, *, actor: str, reason: str) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: waiting.wait_on_requester(
                s, self.policy, c, actor=actor, reason=reason, now=self.clock.now()
            ),
        )

    def resume(self, number: int, *, actor: str) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: waiting.resume(s, self.policy, c, actor=actor, now=self.clock.now()),
        )

    # -- coordination: warm handoff (ROUTE-3), consult (ROUTE-5), command-center test (ROUTE-6)
    def handoff(
        self, number: int, *, actor: str, to_user: str, note: str, replacing: int | None = None
    ) -> CaseSummary:
        return self._act(
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
        return self._act(
            number,
            lambda s, c: handoff.accept(
                s, self.policy, c, handoff_id=handoff_id, actor=actor, now=self.clock.now()
            ),
        )

    def decline_handoff(
        self, number: int, handoff_id: int, *, actor: str, reason: str
    ) -> CaseSummary:
        return self._act(
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
        return self._act(
            number,
            lambda s, c: handoff.cancel(s, self.policy, c, actor=actor, now=self.clock.now()),
        )

    def consult(
        self, number: int, *, actor: str, group_key: str, via: str, question: str
    ) -> CaseSummary:
        return self._act(
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

    def decide_after_consult(
        self, number: int, consult_id: int, *, actor: str, decision: str
    ) -> CaseSummary:
        return self._act(
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
        return self._act(
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
        return self._act(
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
        return self._act(
            number,
            lambda s, c: reassign.return_to_owner(
                s, self.policy, c, note=note, actor=actor, now=self.clock.now()
            ),
        )

    def reassignment_figures(self, *, days: int) -> reassign_report.ReassignmentFigures:
        with self.db.transaction() as session:
            since = self.clock.now() - timedelta(days=days)
            return reassign_report.figures(session, since=since)

    # -- resolve, verify, close (CLOSE-1, CLOSE-2, CLOSE-4) ------------------------------------
    def propose_resolution(
        self, number: int, *, actor: str, attempt: closure.Attempt
    ) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: closure.propose(
                s, self.policy, c, actor=actor, attempt=attempt, now=self.clock.now()
            ),
        )

    def ask_requester(self, number: int, *, actor: str) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: closure.ask_requester(
                s, self.policy, c, actor=actor, now=self.clock.now()
            ),
        )

    def answer_verification(
        self, number: int, *, actor: str, working: bool, words: str = ""
    ) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: closure.answer(
                s, self.policy, c, actor=actor, working=working, words=words, now=self.clock.now()
            ),
        )

    def close(self, number: int, *, actor: str, record: closure.ClosureRecord) -> CaseSummary:
        summary = self._act(
            number,
            lambda s, c: closure.close(
                s, self.policy, c, actor=actor, record=record, now=self.clock.now()
            ),
        )
        self._link_articles(summary, actor=actor)
        return summary

    def approve_close(self, number: int, *, actor: str) -> CaseSummary:
        summary = self._act(
            number,
            lambda s, c: closure.approve(s, self.policy, c, actor=actor, now=self.clock.now()),
        )
        self._link_articles(summary, actor=actor)
        return summary

    def _link_articles(self, summary: CaseSummary, *, actor: str) -> None:
        """KB-4 at close: the articles the resolver used are linked to the case, as applied
        (and resolved) when the close says an article was applied, else as reviewed. A KB
        failure is logged and never undoes the close."""
        if self.kb is None or summary.state != "closed":
            return
        record = self.read(summary.number, lambda c: (c.resolution or {}, c.closure or {}))
        resolution, closed = record
        applied = closed.get("kb") == "applied"
        relations = ("applied", "resolved") if applied else ("reviewed",)
        for article in resolution.get("articles") or []:
            for relation in relations:
                try:
                    self.kb.link(summary.number, str(article), relation, actor=actor)
                except KbError:
                    log.info("CASE-%s names %s, which is not an article", summary.number, article)

    def reject_close(self, number: int, *, actor: str, reason: str) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: closure.reject(
                s, self.policy, c, actor=actor, reason=reason, now=self.clock.now()
            ),
        )

    def answer_survey(self, number: int, *, actor: str, question: str, choice: str) -> None:
        self._act(
            number,
            lambda s, c: surveys.answer(
                s, c, actor=actor, question=question, choice=choice, now=self.clock.now()
            ),
        )

    def survey_figures(self, *, days: int) -> surveys.SurveyFigures:
        with self.db.transaction() as session:
            return surveys.figures(session, days=days, now=self.clock.now())

    # -- the forward schedule of change (WORK-3) ---------------------------------------------
    def add_change(self, *, actor: str, text: str) -> changes.Window:
        zone = self.policy.calendars[self.policy.default_calendar].timezone
        with self.db.transaction() as session:
            change = changes.add(
                session, self.policy, actor=actor, text=text, now=self.clock.now(), zone=zone
            )
            return changes.Window(
                ref=change.ref,
                service_key=change.service_key,
                title=change.title,
                starts_at=change.starts_at,
                ends_at=change.ends_at,
            )

    def planned_changes(self, *, service_key: str | None = None) -> list[changes.Window]:
        with self.db.transaction() as session:
            return changes.windows(session, now=self.clock.now(), service_key=service_key)

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

        return self._act(number, change)

    # -- the timeline (WORK-4) and one voice to the customer (BCAST-4) -------------------------
    def add_note(
        self, number: int, *, actor: str, text: str, source: case_notes.Source | None = None
    ) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: case_notes.add_note(
                s, self.policy, c, actor=actor, text=text, now=self.clock.now(), source=source
            ),
        )

    def tell(self, number: int, *, actor: str, text: str) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: case_notes.tell(
                s, self.policy, c, actor=actor, text=text, now=self.clock.now()
            ),
        )

    def requester_reply(
        self, number: int, *, actor: str, text: str, source: case_notes.Source
    ) -> CaseSummary:
        return self._act(
            number,
            lambda s, c: case_notes.requester_reply(
                s, self.policy, c, actor=actor, text=text, now=self.clock.now(), source=source
            ),
        )

    def history(self, number: int, *, viewer: str, page: int) -> dict[str, object]:
        """PERM-2: staff read the whole timeline; a requester only their own case's
        customer-facing part; anyone else is refused."""
        with self.db.transaction() as session:
            case = self._case(session, number)
            permissions.require(
                viewer, permissions.may_read(self.policy, case), to=f"read {case.ref}"
            )
            requester_view = not self.policy.is_staff(viewer)
            events = case_notes.visible_events(case, requester_view=requester_view)
            return history_message(
                case,
                events,
                page=page,
                page_size=self.policy.coordination.history_page_size,
                requester_view=requester_view,
            )

    def message_person(self, user: str, text: str) -> None:
        """A plain DM about no case in particular, delivered (and retried) by the outbox."""
        with self.db.transaction() as session:
            add_item(
                session,
                now=self.clock.now(),
                lane=f"user:{user}",
                case_id=None,
                operation="post",
                target=user,
                params={"text": text},
            )
        for listener in self._listeners:
            listener()

    def open_cases_of(self, requester: str) -> list[CaseSummary]:
        with self.db.transaction() as session:
            found = session.execute(
                select(Case)
                .where(Case.requester_id == requester, Case.state.in_(OPEN_STATES))
                .order_by(Case.number)
            ).scalars()
            return [self._summary(c) for c in found]

    def case_of_message(self, channel: str, ts: str) -> int | None:
        """The case a bot message was about (a requester's thread reply names its case)."""
        with self.db.transaction() as session:
            number = session.execute(
                select(Case.number)
                .join(OutboxItem, OutboxItem.case_id == Case.id)
                .where(OutboxItem.slack_channel == channel, OutboxItem.slack_ts == ts)
                .limit(1)
            ).scalar_one_or_none()
            return int(number) if number is not None else None

    def clocks(self, number: int) -> tuple[CaseSummary, list[sla.ClockView]]:
        """SLA-1: every clock of the case as of now (`/case sla`)."""
        with self.db.transaction() as session:
            case = self._case(session, number)
            return self._summary(case), sla.views(self.policy, case, now=self.clock.now())

    def case_in_channel(self, channel_id: str) -> int | None:
        """The case whose channel this is, so commands there need no number."""
        with self.db.transaction() as session:
            number = session.execute(
                select(Case.number).where(Case.channel_id == channel_id)
            ).scalar_one_or_none()
            return int(number) if number is not None else None

    def send_article_link(
        self, number: int, article_id: str, title: str, url: str, actor: str
    ) -> None:
        """WORK-2's "send to requester": the link (never the text) in the desk's voice."""
        self._act(
            number,
            lambda s, c: suggestions.send_link(
                c, article_id=article_id, title=title, url=url, actor=actor, now=self.clock.now()
            ),
        )

    def summary(self, number: int) -> CaseSummary:
        with self.db.transaction() as session:
            return self._summary(self._case(session, number))

    def home(self, user_id: str) -> HomeData:
        """The App Home's content for one person."""
        with self.db.transaction() as session:
            return home.load(session, self.policy, user_id, self._summary)

    def read(self, number: int, reader: Callable[[Case], T]) -> T:
        """Run `reader` on the case inside a transaction (for rendering views of it)."""
        with self.db.transaction() as session:
            return reader(self._case(session, number))

    def _act(self, number: int, change: Callable[[Session, Case], list[Notice]]) -> CaseSummary:
        """Apply a change to one case; a concurrent change makes it re-read and try again."""
        for attempt in range(STALE_RETRIES):
            try:
                with self._transaction() as (session, effects):
                    case = self._case(session, number)
                    effects.append((case, change(session, case)))
                    session.flush()
                    return self._summary(case)
            except (StaleDataError, IntegrityError):
                log.info("CASE-%s changed concurrently (attempt %s)", number, attempt + 1)
        raise CaseChanged(
            f"CASE-{number} was changed by someone else at the same moment; "
            "look at it again and retry."
        )

    # -- plumbing -----------------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[tuple[Session, list[tuple[Case, list[Notice]]]]]:
        effects: list[tuple[Case, list[Notice]]] = []
        with self.db.transaction() as session:
            yield session, effects
            for case, notices in effects:
                session.flush()
                enqueue(session, now=self.clock.now(), case=case, notices=notices)
        if any(notices for _, notices in effects):
            for listener in self._listeners:
                listener()

    def _case(self, session: Session, number: int) -> Case:
        case = session.execute(select(Case).where(Case.number == number)).scalar_one_or_none()
        if case is None:
            raise CaseNotFound(f"There is no CASE-{number}. Check the number and try again.")
        return case

    def _summary(self, case: Case) -> CaseSummary:
        group = self.policy.groups.get(case.group_key or "")
        return CaseSummary(
            number=case.number,
            ref=case.ref,
            summary=case.summary,
            state=case.state,
            priority=case.priority,
            priority_label=self.policy.priorities.get(case.priority, ""),
            is_major=case.is_major,
            requester_id=case.requester_id,
            coordinator_id=case.coordinator_id,
            group_name=group.name if group else None,
            support_status=case.support_status,
            first_response_due=first_response_due(self.policy, case),
            channel_id=case.channel_id,
        )


def parse_case_ref(text: str) -> int:
    """`CASE-1042`, `case-1042` or `1042` to 1042; a clear error otherwise."""
    raw = text.strip().upper().removeprefix("CASE-").removeprefix("#")
    if not raw.isdigit():
        raise UserFacingError(f"{text.strip()!r} is not a case number. Write it as CASE-1042.")
    return int(raw)


__all__ = ["Desk", "parse_case_ref"]
