"""The knowledge base as the workflow and the Slack listeners use it (KB-1..KB-6, WORK-2).

`KnowledgeBase` owns the in-memory index of live articles and keeps it in step with the
database: its own writes update the index at once, and changes made by another process are
noticed within `refresh_seconds` (one cheap query). Who may see what is decided here, not in
the listeners: restricted articles never reach requesters (KB-5), and only published articles
are suggested.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kb.articles import Article, ArticleError, from_fields
from kb.index import Document, Index
from kb.learning import forget as _forget
from kb.learning import learn as _learn
from kb.learning import learned_words, remember_query
from kb.matcher import DEFAULT_THRESHOLD, QUERY_CHARS, Matcher
from kb.records import next_number, to_article, write
from kb.sync import SyncReport, apply, export, load_folder
from kb.usage import FEEDBACK_KINDS, RELATIONS, Feedback, Report, ResolvedCase, Usage
from kb.usage import cases_of_article as _cases_of_article
from kb.usage import link as _link
from kb.usage import links_of_case as _links_of_case
from kb.usage import record as _record
from kb.usage import record_feedback as _record_feedback
from kb.usage import report as _report
from kb.usage import resolved_cases as _resolved_cases
from kb.usage import usage as _usage
from store.db import Database
from store.kb_models import KbArticle, KbLearned

SEARCH_LIMIT_MAX = 20
# A case's words are learned for an article applied to it or that resolved it (KB-6).
LEARNING_RELATIONS = ("applied", "resolved")
# Classification that agrees with an article's metadata adds these points (out of 100).
SERVICE_BONUS = 6.0
CATEGORY_BONUS = 2.0
TYPE_BONUS = 2.0


class KbError(ValueError):
    """A refusal or bad input, worded for the person who caused it."""


class KbNotFound(KbError):
    pass


class KbRefused(KbError):
    pass


@dataclass(frozen=True)
class Suggestion:
    article_id: str
    title: str
    score: float
    user_ready: bool
    url: str
    kind: str
    status: str
    snippet: str = ""  # the article's passage that best matches the words searched for


def utc_now() -> datetime:
    return datetime.now(UTC)


class KnowledgeBase:
    """Articles, matching, usage and case links over one database."""

    def __init__(
        self,
        db: Database,
        *,
        base_url: str,
        services: Collection[str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        refresh_seconds: float = 2.0,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.base_url = base_url.rstrip("/")
        self.services = tuple(services) if services is not None else None
        self.threshold = threshold
        self.refresh_seconds = refresh_seconds
        self._now = now
        self._lock = threading.RLock()
        self._index = Index()
        self._matcher = Matcher(self._index, threshold=threshold)
        self._meta: dict[str, Article] = {}
        self._boosts: dict[str, float] = {}
        self._stamp: tuple[int, datetime | None, int] | None = None
        self._checked = 0.0

    # -- articles in and out ------------------------------------------------------------------
    def sync(self, folder: Path) -> SyncReport:
        """Bring the store in line with a folder of Markdown articles (idempotent)."""
        loaded = load_folder(folder, services=self.services)
        with self.db.transaction() as session:
            report = apply(session, loaded, now=self._now())
        self._reload()
        return report

    def export(self, folder: Path) -> list[str]:
        """Every article (file-made and Slack-made) as Markdown files in `folder`."""
        with self.db.transaction() as session:
            return export(session, folder)

    def create(self, fields: Mapping[str, Any], body: str, *, actor: str) -> Article:
        """A new article from Slack; its id is the next free KB number."""
        with self.db.transaction() as session:
            article_id = f"KB-{next_number(session)}"
            article = self._checked_article({**fields, "id": article_id}, body)
            write(session, article, source="slack", source_file=None, actor=actor, now=self._now())
        self._put(article)
        return article

    def update(
        self, article_id: str, fields: Mapping[str, Any], body: str, *, actor: str
    ) -> Article:
        """Replace an article's text and metadata from Slack."""
        with self.db.transaction() as session:
            row = session.get(KbArticle, article_id.upper())
            if row is None:
                raise KbNotFound(f"There is no article {article_id}.")
            article = self._checked_article({**fields, "id": row.id}, body)
            write(
                session,
                article,
                source=row.source,
                source_file=row.source_file,
                actor=actor,
                now=self._now(),
            )
        self._put(article)
        return article

    def get(self, article_id: str, *, for_requester: bool) -> Article:
        """One article to read; restricted ones only for staff (KB-5)."""
        with self.db.reading() as session:
            return self._readable(session, article_id, for_requester=for_requester)

    @staticmethod
    def _readable(session: Session, article_id: str, *, for_requester: bool) -> Article:
        row = session.get(KbArticle, article_id.strip().upper())
        if row is None:
            raise KbNotFound(f"There is no article {article_id}.")
        article = to_article(row)
        if for_requester and not article.user_ready:
            raise KbRefused(f"{article.id} is restricted to the desk's staff.")
        return article

    def url(self, article_id: str) -> str:
        return f"{self.base_url}/kb/{article_id}"

    # -- matching -----------------------------------------------------------------------------
    def search(self, query: str, *, for_requester: bool, limit: int = 5) -> list[Suggestion]:
        """`/kb search`: published articles (and drafts for staff) above the threshold."""
        if not query.strip():
            raise KbError("Type some words to search for, like `/kb search vpn keeps dropping`.")
        limit = max(1, min(limit, SEARCH_LIMIT_MAX))

        def allowed(article: Article) -> bool:
            if for_requester:
                return article.status == "published" and article.user_ready
            return article.status in ("published", "draft")

        return self._rank(query, allowed, limit, bonus=None)

    def suggest(
        self,
        summary: str,
        description: str = "",
        *,
        request_type: str | None = None,
        category: str | None = None,
        service: str | None = None,
        for_requester: bool,
        limit: int = 3,
    ) -> list[Suggestion]:
        """WORK-2: the best published articles for a case, at most `limit`, best first."""
        text = f"{summary}\n{description}".strip()
        if not text:
            return []

        def allowed(article: Article) -> bool:
            return article.status == "published" and (article.user_ready or not for_requester)

        def bonus(article: Article) -> float:
            points = 0.0
            if service and service in article.services:
                points += SERVICE_BONUS
            if category and category in article.categories:
                points += CATEGORY_BONUS
            if request_type and request_type in article.request_types:
                points += TYPE_BONUS
            return points

        limit = max(1, min(limit, 3))
        found = self._rank(text, allowed, limit, bonus=bonus)
        if summary.strip() and description.strip():
            # The summary is the case's headline; a long description must not drown it.
            best = {s.article_id: s for s in found}
            for s in self._rank(summary, allowed, limit, bonus=bonus):
                if s.article_id not in best or s.score > best[s.article_id].score:
                    best[s.article_id] = s
            found = sorted(best.values(), key=lambda s: (-s.score, s.article_id))
        return found[:limit]

    def _rank(
        self,
        query: str,
        allowed: Callable[[Article], bool],
        limit: int,
        *,
        bonus: Callable[[Article], float] | None,
    ) -> list[Suggestion]:
        self._ensure_fresh()
        with self._lock:
            meta = self._meta
            hits = self._matcher.rank(
                query,
                limit=limit + 5 if bonus else limit,
                allow=lambda key: key in meta and allowed(meta[key]),
                boosts=self._boosts,
            )
            found = []
            for hit in hits:
                article = meta[hit.key]
                score = min(100.0, hit.score + (bonus(article) if bonus else 0.0))
                found.append(
                    Suggestion(
                        article_id=article.id,
                        title=article.title,
                        score=round(score, 1),
                        user_ready=article.user_ready,
                        url=self.url(article.id),
                        kind=article.kind,
                        status=article.status,
                        snippet=hit.passage,
                    )
                )
        found.sort(key=lambda s: (-s.score, s.article_id))
        return found[:limit]

    @staticmethod
    def query_was_cut(query: str) -> bool:
        """True when only the start of a very long query is matched."""
        return len(query) > QUERY_CHARS

    # -- usage and links ----------------------------------------------------------------------
    def record_shown(
        self,
        article_ids: Collection[str],
        *,
        case_number: int | None,
        actor: str,
        query: str = "",
    ) -> None:
        """Suggestions posted in a case (KB-3 "shown"); unknown ids are refused. `query`, the
        words they were found for, is kept for the case: a later fix teaches them (KB-6)."""
        for article_id in article_ids:
            self._event(article_id, "shown", case_number=case_number, actor=actor)
        if case_number is not None and query.strip():
            with self.db.transaction() as session:
                remember_query(session, case_number, query, now=self._now())

    def record_opened(self, article_id: str, *, case_number: int | None, actor: str) -> None:
        self._event(article_id, "opened", case_number=case_number, actor=actor)

    def record_sent(self, article_id: str, *, case_number: int | None, actor: str) -> Article:
        """A link sent to a requester; restricted articles are refused (KB-5)."""
        with self.db.transaction() as session:
            return self.record_sent_in(session, article_id, case_number=case_number, actor=actor)

    def record_sent_in(
        self, session: Session, article_id: str, *, case_number: int | None, actor: str
    ) -> Article:
        """The same, in the caller's transaction: the desk sends the link and records it in
        one, so both commit or neither does."""
        article = self._readable(session, article_id, for_requester=True)
        _record(session, article.id, "sent", case_number=case_number, actor=actor, now=self._now())
        return article

    def record_feedback(
        self, article_id: str, *, case_number: int | None, kind: str, actor: str
    ) -> Feedback:
        """ "fixed it", "did not help", "made it worse": one answer per person, case and article
        (KB-3); a different later answer replaces the earlier one."""
        if kind not in FEEDBACK_KINDS:
            raise KbError(f"Feedback `{kind}` is not one of {', '.join(FEEDBACK_KINDS)}.")
        with self.db.transaction() as session:
            row = self._row(session, article_id)
            outcome = _record_feedback(
                session, row.id, kind, case_number=case_number, actor=actor, now=self._now()
            )
            if outcome.added:
                usage = _usage(session, [row.id]).get(row.id, Usage())
            article = None  # re-indexed when a withdrawn fix takes back what it taught
            withdrawn = outcome.unresolved and case_number is not None
            if withdrawn and _forget(session, case_number or 0, row.id):
                article = to_article(row)
        if outcome.added:
            with self._lock:
                self._boosts[row.id] = usage.boost
            if kind == "fixed" and case_number is not None:
                self._learn(case_number, row.id)
        if article is not None:
            self._put(article)
        return outcome

    def link(self, case_number: int, article_id: str, relation: str, *, actor: str) -> None:
        """CLOSE-4/KB-4: record an article as applied, reviewed or resolved for a case."""
        if relation not in RELATIONS:
            raise KbError(f"Relation `{relation}` is not one of {', '.join(RELATIONS)}.")
        self.get(article_id, for_requester=False)
        with self.db.transaction() as session:
            _link(session, case_number, article_id.upper(), relation, actor=actor, now=self._now())
        if relation in LEARNING_RELATIONS:
            self._learn(case_number, article_id)

    def links_of_case(self, case_number: int) -> list[tuple[str, str]]:
        with self.db.reading() as session:
            return _links_of_case(session, case_number)

    def cases_resolved_by(self, article_id: str) -> list[int]:
        with self.db.reading() as session:
            return _cases_of_article(session, article_id.upper(), "resolved")

    def resolved_cases(self, article_id: str) -> list[ResolvedCase]:
        """KB-4: the cases this article resolved, newest first, with how."""
        with self.db.reading() as session:
            return _resolved_cases(session, article_id.upper())

    def usage(self, article_id: str) -> Usage:
        with self.db.reading() as session:
            return _usage(session, [article_id.upper()]).get(article_id.upper(), Usage())

    def report(self, today: date | None = None) -> Report:
        with self.db.reading() as session:
            return _report(session, today=today or self._now().date())

    # -- keeping the index in step ------------------------------------------------------------
    def _learn(self, case_number: int, article_id: str) -> None:
        """KB-6: the case's words now describe the article that fixed it (`kb.learning`)."""
        with self.db.transaction() as session:
            if not _learn(session, case_number, article_id.upper(), now=self._now()):
                return
            row = session.get(KbArticle, article_id.upper())
            article = to_article(row) if row is not None else None
        if article is not None:
            self._put(article)

    def _event(self, article_id: str, kind: str, *, case_number: int | None, actor: str) -> None:
        with self.db.transaction() as session:
            row = self._row(session, article_id)
            _record(session, row.id, kind, case_number=case_number, actor=actor, now=self._now())

    @staticmethod
    def _row(session: Session, article_id: str) -> KbArticle:
        row = session.get(KbArticle, article_id.upper())
        if row is None:
            raise KbNotFound(f"There is no article {article_id}.")
        return row

    def _checked_article(self, fields: Mapping[str, Any], body: str) -> Article:
        try:
            return from_fields(fields, body, services=self.services)
        except ArticleError as exc:
            raise KbError(str(exc)) from None

    def _put(self, article: Article) -> None:
        with self.db.reading() as session:
            learned = learned_words(session, [article.id]).get(article.id, ())
        with self._lock:
            self._meta[article.id] = _slim(article)
            if article.status == "retired":
                self._index.remove(article.id)
            else:
                self._index.add(_document(article, learned))
            self._stamp = self._read_stamp()

    def _ensure_fresh(self) -> None:
        if self._stamp is not None and time.monotonic() - self._checked < self.refresh_seconds:
            return
        stamp = self._read_stamp()
        self._checked = time.monotonic()
        if stamp != self._stamp:
            self._reload()

    def _read_stamp(self) -> tuple[int, datetime | None, int]:
        """What changes when another process writes an article or learns words (KB-6)."""
        with self.db.reading() as session:
            count, latest = session.execute(
                select(func.count(KbArticle.id), func.max(KbArticle.updated_at))
            ).one()
            learned = session.scalar(select(func.count(KbLearned.id)))
        return int(count), latest, int(learned or 0)

    def _reload(self) -> None:
        """Rebuild the index and the feedback nudges from the database."""
        stamp = self._read_stamp()
        with self.db.reading() as session:
            articles = [to_article(row) for row in session.scalars(select(KbArticle))]
            counts = _usage(session)
            learned = learned_words(session)
        index = Index()
        index.add_all(
            _document(a, learned.get(a.id, ())) for a in articles if a.status != "retired"
        )
        with self._lock:
            self._index = index
            self._matcher = Matcher(index, threshold=self.threshold)
            self._meta = {a.id: _slim(a) for a in articles}
            self._boosts = {k: u.boost for k, u in counts.items() if u.feedback}
            self._stamp = stamp
            self._checked = time.monotonic()


def _document(article: Article, learned: tuple[str, ...] = ()) -> Document:
    return Document(
        key=article.id,
        title=article.title,
        symptoms=article.symptoms,
        keywords=article.keywords,
        body=article.body,
        learned=learned,
    )


def _slim(article: Article) -> Article:
    """What ranking needs of an article, without its body: the index keeps the text
    (compressed), so a large base is not held twice in every worker."""
    return replace(article, body="")
