"""knowledge base: the words cases were suggested for, and those learned by articles (KB-6)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 07:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_case_queries",
        sa.Column("case_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_number", name=op.f("pk_kb_case_queries")),
    )
    op.create_table(
        "kb_learned",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(length=20), nullable=False),
        sa.Column("case_number", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_learned_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_learned")),
        sa.UniqueConstraint("article_id", "case_number", name="uq_kb_learned_article_case"),
    )
    with op.batch_alter_table("kb_learned", schema=None) as batch_op:
        batch_op.create_index("ix_kb_learned_article_id", ["article_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kb_learned", schema=None) as batch_op:
        batch_op.drop_index("ix_kb_learned_article_id")
    op.drop_table("kb_learned")
    op.drop_table("kb_case_queries")
