"""The knowledge base's records: articles and known errors, what happened to them, and the
cases they were used on (KB-1, KB-3, KB-4, KB-6).

Articles from Markdown files and from Slack share one table; `source` says where the text is
edited. Usage is an append-only event log, so the report can say when and who, and counts are
one GROUP BY away. Case links carry the case number only (no foreign key): the KB is reusable
without the case workflow, and a link to a case number that is later purged stays readable.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base, UtcDateTime


class KbArticle(Base):
    """One article or known error (KB-1): metadata, Markdown body, and where it came from."""

    __tablename__ = "kb_articles"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # KB-12
    number: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # article | known_error
    symptoms: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    request_types: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    services: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    audience: Mapped[str] = mapped_column(String(20), nullable=False)  # user_ready | restricted
    status: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    owner: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    review_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source: Mapped[str] = mapped_column(String(10), nullable=False)  # file | slack
    source_file: Mapped[str | None] = mapped_column(String(300), nullable=True)
    checksum: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    updated_by: Mapped[str] = mapped_column(String(100), nullable=False, default="")


class KbEvent(Base):
    """One use of an article (KB-3): shown, opened, fixed, not_helped, made_worse, sent."""

    __tablename__ = "kb_events"
    __table_args__ = (
        Index("ix_kb_events_article_kind", "article_id", "kind"),
        Index("ix_kb_events_at", "at"),  # QUAL-2: the period's use of every article
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[str] = mapped_column(
        String(20), ForeignKey("kb_articles.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    case_number: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    # KB-3: a feedback answer the same person later changed; kept for the record, not counted.
    replaced_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class KbCaseLink(Base):
    """Case <-> article (KB-4): applied, reviewed, or resolved; one row per relation."""

    __tablename__ = "kb_case_links"
    __table_args__ = (
        UniqueConstraint("case_number", "article_id", "relation", name="uq_kb_case_links_triple"),
        Index("ix_kb_case_links_article", "article_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    article_id: Mapped[str] = mapped_column(
        String(20), ForeignKey("kb_articles.id", ondelete="CASCADE"), nullable=False
    )
    relation: Mapped[str] = mapped_column(String(10), nullable=False)
    actor: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class KbCaseQuery(Base):
    """The words a case's suggestions were found for (KB-6): what a later "Fixed it" or an
    article applied at close teaches the matcher. One row per case, the latest words."""

    __tablename__ = "kb_case_queries"

    case_number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class KbLearned(Base):
    """A case's words learned for the article that fixed it (KB-6): the desk's own record of
    how its users describe the problem an article solves. One row per case and article."""

    __tablename__ = "kb_learned"
    __table_args__ = (
        UniqueConstraint("article_id", "case_number", name="uq_kb_learned_article_case"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[str] = mapped_column(
        String(20), ForeignKey("kb_articles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    case_number: Mapped[int] = mapped_column(Integer, nullable=False)
    words: Mapped[str] = mapped_column(Text, nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
