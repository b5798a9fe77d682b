"""Every table is either exported or left out on purpose: a new table that hangs off a workspace fails here
until storage/portable/ carries it (or storage/portable/schema.py says why it stays behind)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from storage.portable.schema import EXPORTED, NOT_EXPORTED


def unclassified(tables: Iterable[str]) -> set[str]:
    return set(tables) - {table.name for table in EXPORTED} - set(NOT_EXPORTED)


def hangs_off_a_workspace(table: sa.Table, seen: frozenset[str] = frozenset()) -> bool:
    """It has a workspace_id, or a foreign key to a table that does (through any chain)."""
    if "workspace_id" in table.columns or table.name == "workspace":
        return True
    return any(
        hangs_off_a_workspace(key.column.table, seen | {table.name})
        for key in table.foreign_keys
        if key.column.table.name not in seen
    )


async def test_every_table_of_a_migrated_database_is_exported_or_left_out_on_purpose(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
    assert {"objective", "outbox", "slack_bots"} <= set(names)  # the inspection really sees the schema
    assert unclassified(names) == set()
    assert set(NOT_EXPORTED) <= set(names), "a table left out on purpose no longer exists"


def test_every_table_that_hangs_off_a_workspace_is_classified() -> None:
    owned = [table.name for table in SQLModel.metadata.tables.values() if hangs_off_a_workspace(table)]
    assert {"check_in", "team_membership", "member_coaching", "teams_user", "outbox"} <= set(owned)
    assert unclassified(owned) == set()
    for table in EXPORTED[1:]:  # the importer deletes and counts a workspace's rows through this column
        assert "workspace_id" in table.columns, table.name


def test_a_new_workspace_table_would_be_caught() -> None:
    metadata = sa.MetaData()
    workspace = sa.Table("workspace", metadata, sa.Column("id", sa.Integer, primary_key=True))
    goal = sa.Table(
        "goal_comment",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("author_id", sa.ForeignKey("member.id")),
    )
    sa.Table(
        "member",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.ForeignKey(workspace.c.id)),
    )
    assert hangs_off_a_workspace(goal)
    assert unclassified(["goal_comment", "objective", "outbox"]) == {"goal_comment"}
