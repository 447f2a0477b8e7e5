"""external subscribers, their public notices, the subscribe rate limit, link-signing keys
(BCAST-3)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("requested_services", sa.JSON(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("config_key", sa.String(length=60), nullable=True),
        sa.Column("secret", sa.String(length=128), nullable=True),
        sa.Column("secret_env", sa.String(length=100), nullable=True),
        sa.Column("added_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("confirmed_at", WHEN, nullable=True),
        sa.Column("removed_at", WHEN, nullable=True),
        sa.Column("failing_since", WHEN, nullable=True),
        sa.Column("paused_at", WHEN, nullable=True),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("last_attempt_at", WHEN, nullable=True),
        sa.Column("last_delivered_at", WHEN, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscribers")),
        sa.UniqueConstraint("config_key", name=op.f("uq_subscribers_config_key")),
    )
    op.create_index("ix_subscribers_kind_address", "subscribers", ["kind", "address"])
    op.create_table(
        "public_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("incident", sa.JSON(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_public_notices_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_notices")),
        sa.UniqueConstraint("key", name=op.f("uq_public_notices_key")),
    )
    op.create_table(
        "subscribe_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscribe_attempts")),
    )
    op.create_index("ix_subscribe_attempts_address_at", "subscribe_attempts", ["address", "at"])
    op.create_index("ix_subscribe_attempts_client_at", "subscribe_attempts", ["client", "at"])
    op.create_table(
        "signing_keys",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_signing_keys")),
    )


def downgrade() -> None:
    op.drop_table("signing_keys")
    op.drop_index("ix_subscribe_attempts_client_at", table_name="subscribe_attempts")
    op.drop_index("ix_subscribe_attempts_address_at", table_name="subscribe_attempts")
    op.drop_table("subscribe_attempts")
    op.drop_table("public_notices")
    op.drop_index("ix_subscribers_kind_address", table_name="subscribers")
    op.drop_table("subscribers")
