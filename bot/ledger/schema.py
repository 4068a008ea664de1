"""Ledger tables.  ``entries`` is the append-only hash chain; the others are indexes
and operational records derived from it (they can be rebuilt, so they are not chained)."""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

entries = Table(
    "entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),
    Column("subject", String(128), nullable=False, index=True),
    Column("thread", String(255), nullable=False, index=True),
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)

contributions = Table(
    "contributions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seq", Integer, nullable=False, index=True),
    Column("artifact_id", String(64), nullable=False, index=True),
    Column("thread", String(255), nullable=False, index=True),
    Column("member", String(255), nullable=False, index=True),
    Column("name", String(255), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(64), nullable=False, default=""),
    UniqueConstraint("artifact_id", "member", "role", "action", name="uq_contribution"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("job_id", String(64), primary_key=True),
    Column("artifact_id", String(64), nullable=True),
    Column("delivered_at", Float, nullable=False),
    Column("ref", Text, nullable=False, default=""),
)
