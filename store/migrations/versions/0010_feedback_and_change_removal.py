"""one KB feedback per person, case and article (KB-3); removed planned changes (WORK-3);
cases by service (INTAKE-4, CLASSIFY-2)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 06:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_service_key_created_at", "cases", ["service_key", "created_at"], unique=False
    )
    with op.batch_alter_table("kb_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("removal_reason", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_column("removal_reason")
        batch_op.drop_column("removed_at")
        batch_op.drop_column("removed_by")
    with op.batch_alter_table("kb_events", schema=None) as batch_op:
        batch_op.drop_column("replaced_at")
    op.drop_index("ix_cases_service_key_created_at", table_name="cases")
