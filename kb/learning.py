"""What the desk's own record teaches the matcher (KB-6): the words of cases an article fixed.

When suggestions are posted for a case, the words they were found for are kept
(`kb_case_queries`). When that case's "Fixed it" is pressed, or an article is applied or
resolves the case at close, those words are learned for the article (`kb_learned`): the next
case described the same way finds it, even in words its author never used ("docking station"
for "my second screen stays black"). This is document expansion from click-through data (Xue
et al. 2004; Nogueira et al.'s doc2query, without a model): the words go into the article's
`learned` field, which BM25F weighs below the title and symptoms and above the body. Only the
desk's own record feeds it; nothing is learned from an article's author or an evaluation set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kb.text import plain_words
from store.kb_models import KbCaseQuery, KbLearned

# Words kept from one case (its summary first), and cases remembered per article.
WORDS_PER_CASE = 30
CASES_PER_ARTICLE = 50
QUERY_CHARS = 2000


def remember_query(session: Session, case_number: int, text: str, *, now: datetime) -> None:
    """The words a case's suggestions were found for; the latest replaces the earlier."""
    text = text.strip()[:QUERY_CHARS]
    if not text:
        return
    row = session.get(KbCaseQuery, case_number)
    if row is None:
        session.add(KbCaseQuery(case_number=case_number, text=text, at=now))
    else:
        row.text, row.at = text, now
    session.flush()


def learn(session: Session, case_number: int, article_id: str, *, now: datetime) -> bool:
    """Learn the case's words for the article that fixed it; False when there is nothing new
    (no words kept for the case, or already learned)."""
    query = session.get(KbCaseQuery, case_number)
    if query is None:
        return False
    exists = session.scalar(
        select(KbLearned.id).where(
            KbLearned.article_id == article_id, KbLearned.case_number == case_number
        )
    )
    if exists is not None:
        return False
    words = case_words(query.text)
    if not words:
        return False
    session.add(KbLearned(article_id=article_id, case_number=case_number, words=words, at=now))
    session.flush()
    return True


def forget(session: Session, case_number: int, article_id: str) -> bool:
    """A withdrawn "fixed it" (KB-3) takes back what the case taught the article; True when
    something was forgotten."""
    found = session.execute(
        delete(KbLearned).where(
            KbLearned.article_id == article_id, KbLearned.case_number == case_number
        )
    )
    return bool(getattr(found, "rowcount", 0))


def case_words(text: str) -> str:
    """The words kept from one case: as typed, filler dropped, each once, summary first."""
    return " ".join(list(dict.fromkeys(plain_words(text)))[:WORDS_PER_CASE])


def learned_words(
    session: Session, article_ids: Collection[str] | None = None
) -> dict[str, tuple[str, ...]]:
    """Each article's learned words, one entry per case, the most recent CASES_PER_ARTICLE."""
    query = select(KbLearned.article_id, KbLearned.words).order_by(
        KbLearned.article_id, KbLearned.at.desc(), KbLearned.id.desc()
    )
    if article_ids is not None:
        query = query.where(KbLearned.article_id.in_(list(article_ids)))
    found: dict[str, list[str]] = defaultdict(list)
    for article_id, words in session.execute(query):
        if len(found[article_id]) < CASES_PER_ARTICLE:
            found[article_id].append(words)
    return {key: tuple(value) for key, value in found.items()}
