"""case numbers from a PostgreSQL sequence, so concurrent intakes no longer wait for one counter
row's lock until each commits (bench-alerts: 100 new alert groups opened their cases one at a
time); SQLite keeps the counter row (it has one writer anyway)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 13:30:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE SEQUENCE case_numbers AS bigint MINVALUE 1")
    # Carry on from the highest number handed out so far (the counter row, or a case's).
    op.execute(
        "SELECT setval('case_numbers', n) FROM ("
        " SELECT GREATEST("
        "  (SELECT max(number) FROM cases),"
        "  (SELECT value FROM counters WHERE name = 'case_number')) AS n) AS highest"
        " WHERE n >= 1"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "INSERT INTO counters (name, value)"
        " SELECT 'case_number', last_value FROM case_numbers WHERE is_called"
        " ON CONFLICT (name) DO UPDATE SET value = GREATEST(counters.value, EXCLUDED.value)"
    )
    op.execute("DROP SEQUENCE case_numbers")
