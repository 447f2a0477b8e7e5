"""WORK-5 at the front door: information answers with receipt, catalog procedures with
prerequisites and authorisation, and new-service requests turned into changes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import closure, requests
from bot import notices as n
from bot.desk.closing import link_articles
from bot.desk.core import Area
from bot.desk.views import CaseSummary
from bot.errors import UserFacingError
from bot.notices import Notice
from kb.service import KbError
from store.models import Case


class RequestsArea(Area):
    """Requests that are not incidents (WORK-5)."""

    def answer_information(self, number: int, *, actor: str, article_ids: list[str]) -> CaseSummary:
        """Send the requester the articles that answer their question (links, never text;
        restricted articles are refused, KB-5)."""
        if self.kb is None:
            raise UserFacingError("The knowledge base is not available; try again shortly.")
        links = []
        for article_id in dict.fromkeys(a.strip().upper() for a in article_ids if a.strip()):
            try:
                article = self.kb.get(article_id, for_requester=True)
            except KbError as exc:
                raise UserFacingError(f"{exc} Send only user-ready articles.") from None
            links.append(
                requests.ArticleLink(
                    id=article.id, title=article.title, url=self.kb.url(article.id)
                )
            )
        kb = self.kb

        def send(session: Session, case: Case) -> list[Notice]:
            notices = requests.send_information(
                session, self.policy, case, actor=actor, articles=links, now=self.clock.now()
            )
            for link in links:  # recorded as sent in the transaction that sends them
                kb.record_sent_in(session, link.id, case_number=number, actor=actor)
            return notices

        return self.core.act(number, send)

    def confirm_information(self, number: int, *, actor: str, got_it: bool) -> CaseSummary:
        """The requester's answer: "Got it" closes the case as answered; "I still need help"
        reopens it to whoever sent the articles."""
        if not got_it:
            return self.core.act(
                number,
                lambda s, c: closure.answer(
                    s,
                    self.policy,
                    c,
                    actor=actor,
                    working=False,
                    words=requests.NOT_ANSWERED,
                    now=self.clock.now(),
                ),
            )

        def confirm(session: Session, case: Case) -> list[Notice]:
            now = self.clock.now()
            requests.confirm_receipt(case, actor=actor, now=now)
            answered = requests.information_record(self.policy)
            record = closure.ClosureRecord(
                code=answered["code"],
                root_cause=answered["root_cause"],
                fix=answered["fix"],
                kb=answered["kb"],
                restored=answered["restored"],
            )
            closer = case.resolved_by or case.coordinator_id
            try:
                return closure.close(
                    session, self.policy, case, actor=closer, record=record, now=now
                )
            except UserFacingError:  # the sender may not close: the coordinator does
                return [
                    n.post(case.coordinator_id, "verified"),
                    *n.refresh_cards(self.policy, case),
                ]

        summary = self.core.act(number, confirm)
        link_articles(self.core, summary, actor=actor)
        return summary

    def apply_catalog_item(self, number: int, *, actor: str, item_key: str) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: requests.apply_item(
                s, self.policy, c, actor=actor, item_key=item_key, now=self.clock.now()
            ),
        )

    def meet_prerequisite(self, number: int, *, actor: str, prerequisite: int) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: requests.meet_prerequisite(
                s, self.policy, c, actor=actor, number=prerequisite, now=self.clock.now()
            ),
        )

    def authorize_request(
        self, number: int, *, actor: str, approve: bool, reason: str = ""
    ) -> CaseSummary:
        return self.core.act(
            number,
            lambda s, c: requests.authorize(
                s, self.policy, c, actor=actor, approve=approve, reason=reason, now=self.clock.now()
            ),
        )
