"""The timeline (WORK-4), one voice to the customer (BCAST-4), and what people read."""

from __future__ import annotations

from sqlalchemy import select

from bot import case_notes, home_refresh, permissions, sla
from bot.desk.core import Area
from bot.desk.views import CaseSummary
from bot.render.history import history_message
from bot.vocabulary import OPEN_STATES
from store.models import Case, OutboxItem
from store.outbox import add_item


class ContactArea(Area):
    """Notes, messages to and from the requester, history, clocks and the App Home."""

    # -- the timeline (WORK-4) and one voice to the customer (BCAST-4) -------------------------
    def add_note(
        self, number: int, *, actor: str, text: str, source: case_notes.Source | None = None
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: case_notes.add_note(
                s, self.policy, c, actor=actor, text=text, now=self.clock.now(), source=source
            ),
        )

    def tell(self, number: int, *, actor: str, text: str) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: case_notes.tell(
                s, self.policy, c, actor=actor, text=text, now=self.clock.now()
            ),
        )

    def requester_reply(
        self, number: int, *, actor: str, text: str, source: case_notes.Source
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: case_notes.requester_reply(
                s, self.policy, c, actor=actor, text=text, now=self.clock.now(), source=source
            ),
        )

    def history(self, number: int, *, viewer: str, page: int) -> dict[str, object]:
        """PERM-2: staff read the whole timeline; a requester only their own case's
        customer-facing part; anyone else is refused."""
        with self.db.reading() as session:
            case = self.core.case(session, number)
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
        self.core.wake()

    def open_cases_of(self, requester: str) -> list[CaseSummary]:
        with self.db.reading() as session:
            found = session.execute(
                select(Case)
                .where(Case.requester_id == requester, Case.state.in_(OPEN_STATES))
                .order_by(Case.number)
            ).scalars()
            return [self.core.summary_of(c) for c in found]

    def case_of_message(self, channel: str, ts: str) -> int | None:
        """The case a bot message was about (a requester's thread reply names its case)."""
        with self.db.reading() as session:
            number = session.execute(
                select(Case.number)
                .join(OutboxItem, OutboxItem.case_id == Case.id)
                .where(OutboxItem.slack_channel == channel, OutboxItem.slack_ts == ts)
                .limit(1)
            ).scalar_one_or_none()
            return int(number) if number is not None else None

    def clocks(self, number: int, *, viewer: str) -> tuple[CaseSummary, list[sla.ClockView]]:
        """SLA-1: every clock of the case as of now (`/case sla`), for staff."""
        self.core.require_staff(viewer, to="read SLA clocks")
        with self.db.reading() as session:
            case = self.core.case(session, number)
            return self.core.summary_of(case), sla.views(self.policy, case, now=self.clock.now())

    def case_in_channel(self, channel_id: str) -> int | None:
        """The case whose channel this is, so commands there need no number."""
        with self.db.reading() as session:
            number = session.execute(
                select(Case.number).where(Case.channel_id == channel_id)
            ).scalar_one_or_none()
            return int(number) if number is not None else None

    def open_home(self, user_id: str) -> None:
        """The person opened their App Home: publish it through the outbox, in their own lane,
        so it is never overtaken by an older render. From then on every change that alters it
        republishes it (`bot.home_refresh`)."""
        with self.db.transaction() as session:
            home_refresh.publish(session, now=self.clock.now(), users=[user_id])
        self.core.wake()
