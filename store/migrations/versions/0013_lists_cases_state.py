"""open cases by state, for `/case list` and the desk lead's Home (QUAL-2)

Revision ID: 0013_lists
Revises: 0010
Create Date: 2026-12-06 10:20:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013_lists"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_cases_state", "cases", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cases_state", table_name="cases")
