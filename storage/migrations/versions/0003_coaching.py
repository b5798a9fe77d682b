"""Coaching: check-in schedules, each member's next due prompt, reminders, celebration and digest channels.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Written from storage/tables.py the same way as 0001 (enums as VARCHARs, UTCDateTime as DateTime(timezone=True)).
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _workspace_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "coaching_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(length=13), nullable=False),  # Cadence
        _utc("updated_at"),
        _workspace_fk(),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "scope", name="uq_coaching_rule_scope"),
    )

    op.create_table(
        "workspace_coaching",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("reminder_hours", sa.Integer(), nullable=False),
        _workspace_fk(),
        sa.PrimaryKeyConstraint("workspace_id"),
    )

    op.create_table(
        "member_coaching",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        _utc("next_due_at", nullable=True),
        sa.Column("due_period", sa.String(length=10), nullable=True),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("prompt_period", sa.String(length=10), nullable=True),
        _utc("prompted_at", nullable=True),
        sa.Column("prompt_key_results", sa.String(length=2000), nullable=True),
        _utc("remind_at", nullable=True),
        _utc("reminded_at", nullable=True),
        sa.Column("cycle_end_asked", sa.String(length=7), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        _workspace_fk(),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.create_index("ix_member_coaching_due", "member_coaching", ["next_due_at"])
    op.create_index("ix_member_coaching_remind", "member_coaching", ["remind_at"])

    op.create_table(
        "channel_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=9), nullable=False),  # ChannelPurpose
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("conversation", sa.Text(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("minute", sa.Integer(), nullable=True),
        _utc("next_due_at", nullable=True),
        sa.Column("due_period", sa.String(length=10), nullable=True),
        sa.Column("last_statuses", sa.Text(), nullable=True),
        _utc("updated_at"),
        _workspace_fk(),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "purpose", "scope", name="uq_channel_setting_scope"),
    )
    op.create_index("ix_channel_setting_due", "channel_setting", ["next_due_at"])


def downgrade() -> None:
    for table in ("channel_setting", "member_coaching", "workspace_coaching", "coaching_rule"):
        op.drop_table(table)
