"""The hash-chained ledger, its contributions index and the delivery log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entries",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("thread", sa.String(255), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_index("ix_entries_subject", "entries", ["subject"])
    op.create_index("ix_entries_thread", "entries", ["thread"])
    op.create_table(
        "contributions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("artifact_id", sa.String(64), nullable=False),
        sa.Column("thread", sa.String(255), nullable=False),
        sa.Column("member", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("action", sa.String(64), nullable=False, server_default=""),
        sa.UniqueConstraint("artifact_id", "member", "role", "action", name="uq_contribution"),
    )
    for column in ("seq", "artifact_id", "thread", "member"):
        op.create_index(f"ix_contributions_{column}", "contributions", [column])
    op.create_table(
        "deliveries",
        sa.Column("job_id", sa.String(64), primary_key=True),
        sa.Column("artifact_id", sa.String(64), nullable=True),
        sa.Column("delivered_at", sa.Float, nullable=False),
        sa.Column("ref", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("contributions")
    op.drop_table("entries")
