"""knowledge base: articles, usage events, case links

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("request_types", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("source_file", sa.String(length=300), nullable=True),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_articles")),
        sa.UniqueConstraint("number", name=op.f("uq_kb_articles_number")),
    )
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.create_index("ix_kb_articles_status", ["status"], unique=False)
        batch_op.create_index("ix_kb_articles_updated_at", ["updated_at"], unique=False)

    op.create_table(
        "kb_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("case_number", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_events_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_events")),
    )
    with op.batch_alter_table("kb_events", schema=None) as batch_op:
        batch_op.create_index("ix_kb_events_article_kind", ["article_id", "kind"], unique=False)
        batch_op.create_index("ix_kb_events_case_number", ["case_number"], unique=False)

    op.create_table(
        "kb_case_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(length=20), nullable=False),
        sa.Column("relation", sa.String(length=10), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_case_links_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_case_links")),
        sa.UniqueConstraint(
            "case_number", "article_id", "relation", name="uq_kb_case_links_triple"
        ),
    )
    with op.batch_alter_table("kb_case_links", schema=None) as batch_op:
        batch_op.create_index("ix_kb_case_links_article", ["article_id"], unique=False)
        batch_op.create_index("ix_kb_case_links_case_number", ["case_number"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("kb_case_links")
    op.drop_table("kb_events")
    op.drop_table("kb_articles")
