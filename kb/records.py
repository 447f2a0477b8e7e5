"""Between `Article` values and `kb_articles` rows, so no other module touches the columns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kb.articles import Article
from store.kb_models import KbArticle


def to_article(row: KbArticle) -> Article:
    return Article(
        id=row.id,
        title=row.title,
        body=row.body,
        kind=row.kind,
        symptoms=tuple(row.symptoms or ()),
        keywords=tuple(row.keywords or ()),
        request_types=tuple(row.request_types or ()),
        categories=tuple(row.categories or ()),
        services=tuple(row.services or ()),
        audience=row.audience,
        status=row.status,
        owner=row.owner,
        review_on=row.review_on,
    )


def write(
    session: Session,
    article: Article,
    *,
    source: str,
    source_file: str | None,
    actor: str,
    now: datetime,
) -> KbArticle:
    """Insert or update the row of `article.id` with the article's content."""
    row = session.get(KbArticle, article.id)
    if row is None:
        row = KbArticle(id=article.id, number=article.number, created_at=now)
        session.add(row)
    row.title = article.title
    row.kind = article.kind
    row.symptoms = list(article.symptoms)
    row.keywords = list(article.keywords)
    row.request_types = list(article.request_types)
    row.categories = list(article.categories)
    row.services = list(article.services)
    row.audience = article.audience
    row.status = article.status
    row.owner = article.owner
    row.review_on = article.review_on
    row.body = article.body
    row.source = source
    row.source_file = source_file
    row.checksum = article.checksum()
    row.updated_at = now
    row.updated_by = actor
    return row


def next_number(session: Session) -> int:
    """The next free article number; the primary key backs it up if two writers race."""
    highest = session.execute(select(func.max(KbArticle.number))).scalar_one_or_none()
    return int(highest or 0) + 1
