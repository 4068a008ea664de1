"""Pending consent requests: built-on jobs waiting for their owners' approval.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_requests",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("idem", sa.String(255), nullable=False, unique=True),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("expires", sa.Float, nullable=False),
        sa.Column("asker", sa.String(255), nullable=False),
        sa.Column("owners", sa.Text, nullable=False),
        sa.Column("approved", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("job", sa.Text, nullable=False),
        sa.Column("parents", sa.Text, nullable=False),
    )
    op.create_index("ix_consent_requests_state", "consent_requests", ["state"])


def downgrade() -> None:
    op.drop_table("consent_requests")
