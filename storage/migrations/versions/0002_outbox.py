"""The outbox: every message the bot sends on its own, once (check-in prompts, reminders, celebrations, digests).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Column types are spelled as the database sees them (see 0001): enums are VARCHARs as long as their longest
value, `UTCDateTime` is `DateTime(timezone=True)`.
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=12), nullable=False),  # TargetKind
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("conversation_platform", sa.String(length=7), nullable=True),  # Platform
        sa.Column("conversation_workspace", sa.String(length=255), nullable=True),
        sa.Column("conversation_opaque", sa.Text(), nullable=True),
        sa.Column("update_key", sa.String(length=255), nullable=True),
        sa.Column("card", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=7), nullable=False),  # OutboxStatus
        sa.Column("attempts", sa.Integer(), nullable=False),
        _utc("next_attempt_at"),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        _utc("claimed_until", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_platform", sa.String(length=7), nullable=True),  # Platform
        sa.Column("sent_workspace", sa.String(length=255), nullable=True),
        sa.Column("sent_conversation", sa.Text(), nullable=True),
        sa.Column("sent_message", sa.String(length=255), nullable=True),
        _utc("created_at"),
        _utc("sent_at", nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
    )
    op.create_index("ix_outbox_claim", "outbox", ["workspace_id", "status", "next_attempt_at"])
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_claimed_by", "outbox", ["claimed_by"])


def downgrade() -> None:
    op.drop_table("outbox")
