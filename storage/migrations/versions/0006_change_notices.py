"""PostgreSQL tells every bot instance when OKR data changed (storage/changes.py keeps answers by it).

Statement-level triggers on each table whose rows can show in an answer NOTIFY okrbot_changes with the workspaces
the statement touched ("slack:T0123"; empty for a TRUNCATE: all of them). PostgreSQL delivers the notices when the
transaction commits (and not at all when it rolls back), each distinct one once. The tables
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
DECLARE
    changed text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('okrbot_changes', '');  -- every workspace
        RETURN NULL;
    END IF;
    -- One notice per workspace the statement touched, named as the bot's answers know it: platform:external id.
    -- The workspace table's own rows name themselves (a deleted one can no longer be joined).
    IF TG_TABLE_NAME = 'workspace' THEN
        FOR changed IN SELECT DISTINCT c.platform::text || ':' || c.external_id FROM changed_rows c LOOP
            PERFORM pg_notify('okrbot_changes', changed);
        END LOOP;
    ELSE
        FOR changed IN SELECT DISTINCT w.platform::text || ':' || w.external_id
                FROM changed_rows c JOIN workspace w ON w.id = c.workspace_id LOOP
            PERFORM pg_notify('okrbot_changes', changed);
        END LOOP;
    END IF;
    RETURN NULL;
END;
$$
"""

# A trigger with a transition table takes one event only.
_TRIGGERS = (
    ("insert", "INSERT", "REFERENCING NEW TABLE AS changed_rows"),
    ("update", "UPDATE", "REFERENCING NEW TABLE AS changed_rows"),
    ("delete", "DELETE", "REFERENCING OLD TABLE AS changed_rows"),
    ("truncate", "TRUNCATE", ""),
)


def _watched() -> list[str]:
    return sorted(set(sa.inspect(op.get_bind()).get_table_names()) - UNWATCHED)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(NOTIFY_FUNCTION)
    for table in _watched():
        for name, event, transition in _TRIGGERS:
            op.execute(
                f"CREATE TRIGGER okrbot_changes_{name} AFTER {event} ON {table} {transition} "
                "FOR EACH STATEMENT EXECUTE FUNCTION okrbot_notify_change()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _watched():
        for name, _, _ in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS okrbot_changes_{name} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS okrbot_notify_change()")
