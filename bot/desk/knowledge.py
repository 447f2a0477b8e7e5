"""The knowledge base at the front door (WORK-2, KB-1..KB-6): who may write, report on and
send articles is decided here (PERM-1), beside every other check, and what a reader may see
(KB-5) follows their role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from bot import permissions, suggestions
from bot.desk.core import Area
from bot.desk.views import CaseSummary
from bot.errors import CaseNotFound
from bot.notices import Notice
from kb.articles import Article
from kb.service import KbError, KnowledgeBase, Suggestion
from kb.usage import Report
from store.models import Case

STAFF_ONLY = "Only the desk and its resolver groups can use `/kb {verb}`."
SENDERS = "Only the desk and its resolver groups can send articles to a requester."


class KnowledgeArea(Area):
    """Search, read, write and send articles; each answer fits the person asking."""

    def search(self, query: str, *, reader: str) -> list[Suggestion]:
        return self._kb.search(query, for_requester=not self.policy.is_staff(reader), limit=5)

    def open_article(self, article_id: str, *, case_number: int | None, reader: str) -> Article:
        """ "Open" on a suggestion: the article as this reader may see it, counted as opened."""
        article = self._kb.get(article_id, for_requester=not self.policy.is_staff(reader))
        self._kb.record_opened(article.id, case_number=case_number, actor=reader)
        return article

    def report(self, *, actor: str) -> Report:
        self._require_staff(actor, "report")
        return self._kb.report()

    def may_write(self, *, actor: str) -> None:
        """`/kb new`: the form opens for staff only (the article is checked again when sent)."""
        self._require_staff(actor, "new")

    def article_to_edit(self, text: str, *, actor: str) -> Article:
        """`/kb edit KB-12`: for staff only, with restricted articles too."""
        self._require_staff(actor, "edit")
        return self._kb.get(article_ref(text, "edit"), for_requester=False)

    def save_article(
        self,
        fields: Mapping[str, Any],
        text: str,
        *,
        existing: str | None,
        case_number: int | None,
        actor: str,
    ) -> Article:
        """The article form, sent: created or updated; written from a case's resolution, it is
        linked to that case as resolving it (CLOSE-5, KB-4)."""
        if not self.policy.is_staff(actor):
            raise KbError("Only staff can write articles.")
        if case_number is not None:  # checked first: the article and its link are written whole
            with self.db.reading() as session:
                try:
                    self.core.case(session, case_number)
                except CaseNotFound as exc:
                    raise KbError(str(exc)) from exc
        if existing is not None:
            article = self._kb.update(existing, fields, text, actor=actor)
        else:
            article = self._kb.create(fields, text, actor=actor)
        if case_number is not None:
            self._kb.link(case_number, article.id, "resolved", actor=actor)
        return article

    def send_article_link(self, number: int, article_id: str, *, actor: str) -> CaseSummary:
        """WORK-2's "Send to requester": the link (never the text) in the desk's voice, from
        staff on the case (its coordinator, its group's members, the service desk), never a
        restricted article (KB-5). The message and its usage record are one transaction."""
        kb = self._kb

        def send(session: Session, case: Case) -> list[Notice]:
            senders = [
                permissions.coordinator(case),
                permissions.group_members(self.policy, case.group_key),
                permissions.role(self.policy, "service_desk"),
            ]
            try:
                permissions.require(actor, senders, to=f"send articles about {case.ref}")
            except permissions.NotAllowed as exc:
                raise permissions.NotAllowed(f"{SENDERS} {exc}") from None
            article = kb.record_sent_in(session, article_id, case_number=number, actor=actor)
            return suggestions.send_link(
                case,
                article_id=article.id,
                title=article.title,
                url=kb.url(article.id),
                actor=actor,
                now=self.clock.now(),
            )

        try:
            return self.core.act(number, send)
        except CaseNotFound:
            raise KbError(f"I can't find the requester of CASE-{number}.") from None

    @property
    def _kb(self) -> KnowledgeBase:
        if self.kb is None:
            raise KbError("The knowledge base is not available; try again shortly.")
        return self.kb

    def _require_staff(self, actor: str, verb: str) -> None:
        if not self.policy.is_staff(actor):
            raise KbError(STAFF_ONLY.format(verb=verb))


def article_ref(text: str, verb: str) -> str:
    """The article a `/kb` command names (`KB-12`), or how to name it."""
    ref = text.strip().split(" ")[0] if text.strip() else ""
    if not ref:
        raise KbError(f"Name the article: `/kb {verb} KB-12`.")
    return ref
