"""Recording contacts (INTAKE-*) and the knowledge base's suggestions for them (WORK-2)."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import timedelta

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from bot import (
    changes,
    intake,
)
from bot.desk.core import Area
from bot.desk.views import HeldForDuplicates, Recorded
from bot.errors import UserFacingError
from bot.intake_fields import FieldError, IntakeFields, check_fields
from bot.notices import Notice
from store.models import Case, IntakeDraft, SeenRequest

DRAFT_LIFETIME = timedelta(hours=12)
# One row and no case: a plain INSERT, built once (no ORM flush, no statement per contact).
_NEW_DRAFT = insert(IntakeDraft).returning(IntakeDraft.id)
_SEEN = select(SeenRequest.case_id).where(SeenRequest.key == bindparam("key"))


class IntakeArea(Area):
    """Record a contact, hold possible duplicates, suggest articles."""

    # -- intake -------------------------------------------------------------------------------
    def check(self, fields: IntakeFields) -> list[FieldError]:
        return check_fields(fields, self.policy)

    def record(
        self, fields: IntakeFields, *, request_key: str | None = None, check_duplicates: bool = True
    ) -> Recorded | HeldForDuplicates:
        """Record the contact, or hold it as a draft when it may duplicate an open case. The
        look for duplicates reads without holding the writer up (it compares many summaries);
        only the draft or the case is written."""
        errors = self.check(fields)
        if errors:
            raise UserFacingError("\n".join(e.message for e in errors))
        if check_duplicates:
            with self.db.reading() as session:
                earlier = self._recorded_before(session, request_key)
                if earlier is not None:
                    return earlier
                found = intake.find_duplicates(session, fields, now=self.clock.now())
            if found:
                draft = {
                    "reporter_id": fields.reporter_id,
                    "fields": {f.name: getattr(fields, f.name) for f in dataclass_fields(fields)},
                    "created_at": self.clock.now(),
                }
                with self.db.one_statement() as session:
                    draft_id = session.execute(_NEW_DRAFT, draft).scalar_one()
                return HeldForDuplicates(
                    draft_id=draft_id,
                    requester_open=found.requester_open,
                    similar=found.similar,
                    same_service=found.same_service,
                )
        with self.core.transaction() as (session, effects):
            earlier = self._recorded_before(session, request_key)
            if earlier is not None:
                return earlier
            case = self._record(session, fields, effects, request_key)
            recorded = Recorded(case=self.core.summary_of(case))
        self.core.suggest(recorded.case.number, actor=fields.reporter_id)
        return recorded

    def _recorded_before(self, session: Session, request_key: str | None) -> Recorded | None:
        """The case a retried request (the same trigger) already recorded, if any."""
        if request_key is None:
            return None
        case_id = session.scalar(_SEEN, {"key": request_key})
        if case_id is None:
            return None
        return Recorded(case=self.core.summary_of(session.get_one(Case, case_id)), already=True)

    def record_draft(self, draft_id: int, *, actor: str) -> Recorded:
        """The reporter looked at the possible duplicates and wants a new case anyway."""
        with self.core.transaction() as (session, effects):
            draft, fields = self._open_draft(session, draft_id, actor)
            key = f"draft:{draft_id}"
            if draft.used_at is not None:
                return self._draft_outcome(session, draft)
            case = self._record(session, fields, effects, key)
            draft.used_at, draft.outcome = self.clock.now(), f"recorded:{case.id}"
            recorded = Recorded(case=self.core.summary_of(case))
        self.core.suggest(recorded.case.number, actor=actor)
        return recorded

    def link_draft(self, draft_id: int, number: int, *, actor: str) -> Recorded:
        """The reporter links the contact to an existing open case instead of a new one."""
        with self.core.transaction() as (session, effects):
            draft, fields = self._open_draft(session, draft_id, actor)
            if draft.used_at is not None:
                return self._draft_outcome(session, draft)
            case = self.core.case(session, number)
            if case.state == "closed":
                raise UserFacingError(f"{case.ref} is closed; record a new case instead.")
            effects.append(
                (case, intake.link_contact(self.policy, case, fields, now=self.clock.now()))
            )
            draft.used_at, draft.outcome = self.clock.now(), f"linked:{case.id}"
            return Recorded(case=self.core.summary_of(case))

    def _record(
        self,
        session: Session,
        fields: IntakeFields,
        effects: list[tuple[Case, list[Notice]]],
        request_key: str | None,
    ) -> Case:
        case, notices = self.record_in(session, fields)
        effects.append((case, notices))
        if request_key is not None:
            session.add(SeenRequest(key=request_key, case_id=case.id, at=self.clock.now()))
        return case

    def record_in(self, session: Session, fields: IntakeFields) -> tuple[Case, list[Notice]]:
        """Record checked fields in the caller's transaction (an alert's case, with its alert
        group in the same commit); the caller enqueues the notices."""
        case, notices = intake.record_case(session, self.policy, fields, now=self.clock.now())
        changes.flag_at_intake(session, self.policy, case, now=self.clock.now())
        return case, notices

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
        return Recorded(
            case=self.core.summary_of(session.get_one(Case, int(case_id))), already=True
        )
