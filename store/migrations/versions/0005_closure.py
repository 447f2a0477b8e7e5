"""closure: the resolution attempt, verification, reopen count, closure record, FCR

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 07:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_COLUMNS = (
    "first_contact_resolution",
    "closed_at",
    "closure",
    "verified_at",
    "resolved_by",
    "resolution",
    "reopen_count",
)


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reopen_count", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(sa.Column("resolution", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closure", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("first_contact_resolution", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name in NEW_COLUMNS:
            batch_op.drop_column(name)
