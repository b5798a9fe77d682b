"""PostgreSQL tells every bot instance when OKR data changed (storage/changes.py keeps answers by it).

A statement-level trigger on each table whose rows can show in an answer runs NOTIFY okrbot_changes; PostgreSQL
delivers it when the transaction commits (and not at all when it rolls back), once per transaction. The tables
only the platforms' plumbing writes (outbox, receipts, installations, conversation references) have none: they
are busy, and no answer shows them. SQLite needs nothing: `PRAGMA data_version` tells the same.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A table added later that answers show needs its own trigger: tests/storage/test_change_notices.py fails
# until it has one.
UNWATCHED = frozenset(
    {
        "alembic_version",
        "outbox",
        "inbound_receipt",
        "slack_bots",
        "slack_installations",
        "slack_oauth_states",
        "teams_conversation",
        "teams_user",
    }
)

NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION okrbot_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('okrbot_changes', '');
    RETURN NULL;
END;
$$
"""


def _watched() -> list[str]:
    return sorted(set(sa.inspect(op.get_bind()).get_table_names()) - UNWATCHED)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(NOTIFY_FUNCTION)
    for table in _watched():
        op.execute(
            f"CREATE TRIGGER okrbot_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION okrbot_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _watched():
        op.execute(f"DROP TRIGGER IF EXISTS okrbot_changes ON {table}")
    op.execute("DROP FUNCTION IF EXISTS okrbot_notify_change()")
