"""monitoring alerts: notifications as received, alert groups (one case per episode), alerts by
fingerprint (INTAKE-1, INTAKE-4)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alert_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("lane", sa.String(length=80), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("signature", sa.String(length=80), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", WHEN, nullable=True),
        sa.Column("received_at", WHEN, nullable=False),
        sa.Column("worked_at", WHEN, nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_alert_notifications_case_id_cases"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alert_notifications"),
        sa.UniqueConstraint("signature", name="uq_alert_notifications_signature"),
    )
    op.create_index("ix_alert_notifications_status_lane", "alert_notifications", ["status", "lane"])
    op.create_table(
        "alert_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("group_hash", sa.String(length=64), nullable=False),
        sa.Column("group_key", sa.Text(), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("recurrence_of", sa.Integer(), nullable=True),
        sa.Column("all_resolved_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_alert_groups_case_id_cases"),
        sa.ForeignKeyConstraint(
            ["recurrence_of"], ["cases.id"], name="fk_alert_groups_recurrence_of_cases"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alert_groups"),
        sa.UniqueConstraint(
            "source", "group_hash", "episode", name="uq_alert_groups_source_group_episode"
        ),
    )
    op.create_index("ix_alert_groups_case_id", "alert_groups", ["case_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("annotations", sa.JSON(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("starts_at", WHEN, nullable=True),
        sa.Column("ends_at", WHEN, nullable=True),
        sa.Column("first_seen_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["alert_groups.id"], name="fk_alerts_group_id_alert_groups"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.UniqueConstraint("group_id", "fingerprint", name="uq_alerts_group_fingerprint"),
    )


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_index("ix_alert_groups_case_id", table_name="alert_groups")
    op.drop_table("alert_groups")
    op.drop_index("ix_alert_notifications_status_lane", table_name="alert_notifications")
    op.drop_table("alert_notifications")
