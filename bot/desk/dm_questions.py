"""BCAST-4's question "Is this about CASE-n?" to a requester with one open case whose direct
message may be about something new, and the answer: Yes files it on the case, "No, it's
something new" hands their words to the self-service form."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import case_notes, dm_routing
from bot import notices as n
from bot.desk.core import Area
from bot.desk.views import CaseSummary
from bot.errors import UserFacingError
from bot.intake_fields import IntakeFields
from store.models import Case, IntakeDraft

ANSWERED = "That message is already answered: look for it on your case, or type `/case`."


class DmQuestionArea(Area):
    """Ask, then act on the answer; each answer counts once."""

    def awaits_answer(self, number: int) -> bool:
        return self.core.read(number, dm_routing.awaits_answer)

    def ask_about_dm(self, number: int, *, user: str, text: str, channel: str, ts: str) -> None:
        """Keep the words and ask, in the case's outbox lane (retried like any message)."""
        now = self.clock.now()
        with self.core.transaction() as (session, effects):
            case = self.core.case(session, number)
            draft = IntakeDraft(
                reporter_id=user,
                fields=dm_routing.held_words(user, text, channel=channel, ts=ts),
                created_at=now,
            )
            session.add(draft)
            session.flush()
            effects.append((case, [n.post(user, "dm_question", draft=draft.id)]))

    def file_dm(self, draft_id: int, number: int, *, actor: str) -> CaseSummary:
        """Yes: the held message is the requester's reply on the case."""

        def change(session: Session, case: Case) -> list[n.Notice]:
            draft, words = self._held(session, draft_id, actor)
            if words.source_channel is None or words.source_ts is None:
                raise UserFacingError(ANSWERED)
            if case.state == "closed":
                raise UserFacingError(
                    f"{case.ref} is closed now; type `/case` to tell the desk about this."
                )
            now = self.clock.now()
            draft.used_at, draft.outcome = now, f"linked:{case.id}"
            source = case_notes.Source(
                channel=words.source_channel, ts=words.source_ts, author=actor
            )
            return case_notes.requester_reply(
                session,
                self.policy,
                case,
                actor=actor,
                text=words.description,
                now=now,
                source=source,
            )

        return self.core.act(number, change)

    def dm_is_new(self, draft_id: int, *, actor: str) -> IntakeFields:
        """No: the words go to the self-service form; nothing is recorded until it is sent."""
        with self.db.transaction() as session:
            draft, words = self._held(session, draft_id, actor)
            draft.used_at, draft.outcome = self.clock.now(), "new:0"
            return words

    def _held(
        self, session: Session, draft_id: int, actor: str
    ) -> tuple[IntakeDraft, IntakeFields]:
        draft = session.get(IntakeDraft, draft_id) if 0 < draft_id < 2**31 else None
        if draft is None or draft.reporter_id != actor:
            raise UserFacingError("That question is not yours or no longer exists.")
        if draft.used_at is not None:
            raise UserFacingError(ANSWERED)
        return draft, IntakeFields(**draft.fields)
