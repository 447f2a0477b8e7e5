"""INTAKE-5: the stored "needs validation" flag (who validated, when, how), backfilled for the
self-service cases whose flag was derived until now

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-06 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The first reclassification of a self-service case is what cleared the derived flag.
_FIRST_RECLASSIFIED = """
    SELECT {column} FROM case_events e
    WHERE e.case_id = cases.id AND e.kind = 'reclassified'
    ORDER BY e.id LIMIT 1
"""


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("validation", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("validated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("validated_by", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_validation"), ["validation"], unique=False)
    op.execute(
        "UPDATE cases SET validation = 'corrected', "
        f"validated_at = ({_FIRST_RECLASSIFIED.format(column='e.at')}), "
        f"validated_by = ({_FIRST_RECLASSIFIED.format(column='e.actor_id')}) "
        "WHERE contact_channel = 'self_service' AND EXISTS "
        "(SELECT 1 FROM case_events e WHERE e.case_id = cases.id AND e.kind = 'reclassified')"
    )
    op.execute(
        "UPDATE cases SET validation = 'needed' "
        "WHERE contact_channel = 'self_service' AND validation IS NULL"
    )


def downgrade() -> None:
    # In place (SQLite 3.35 drops columns itself): rebuilding `cases` would trip the foreign
    # keys of every table that refers to it once cases exist.
    with op.batch_alter_table("cases", schema=None, recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_validation"))
        batch_op.drop_column("validated_by")
        batch_op.drop_column("validated_at")
        batch_op.drop_column("validation")
