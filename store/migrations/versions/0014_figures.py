"""QUAL-2's figures read cases by first contact, close and state, timeline rows by kind,
surveys by when they were sent and article use by when it happened

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 10:10:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_cases_first_contact_at", "cases", ["first_contact_at"]),
    ("ix_cases_closed_at", "cases", ["closed_at"]),
    ("ix_cases_state", "cases", ["state"]),
    ("ix_case_events_kind_case_id", "case_events", ["kind", "case_id"]),
    ("ix_surveys_sent_at", "surveys", ["sent_at"]),
    ("ix_kb_events_at", "kb_events", ["at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
