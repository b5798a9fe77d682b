"""One workspace's OKRs read out of the database into a Document (storage/portable/document.py).

Everything is read in one transaction that sees a single snapshot (REPEATABLE READ on PostgreSQL, a read
transaction on SQLite's WAL), so rows written meanwhile cannot leave a key result pointing at an objective that
the export does not hold. Large tables are streamed in batches, reporting progress after each.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.portable import document as doc
from storage.portable.errors import PortableError, Progress, no_progress
from storage.portable.schema import (
    CHANNEL_SETTING,
    CHECK_IN,
    CLOSED_CYCLE,
    COACHING_RULE,
    INITIATIVE,
    KEY_RESULT,
    MEMBER,
    MEMBER_COACHING,
    OBJECTIVE,
    TEAM,
    TEAM_MEMBERSHIP,
    TEAMS_CONVERSATION,
    TEAMS_USER,
    WORKSPACE,
    WORKSPACE_COACHING,
)
from storage.portable.workspaces import WorkspaceKey, workspace_id
from storage.types import utcnow

BATCH = 5000


@asynccontextmanager
async def snapshot(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection whose reads all see the database as it was when the first one ran."""
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execution_options(isolation_level="REPEATABLE READ")
        else:
            # The SQLite driver begins no transaction for reads; without one each SELECT sees the latest data.
            await connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            await connection.rollback()


class _Reader:
    """Rows of one workspace, table by table, with progress."""

    def __init__(self, connection: AsyncConnection, workspace: int, progress: Progress) -> None:
        self.connection = connection
        self.workspace = workspace
        self.progress = progress

    async def rows(
        self, phase: str, table: sa.Table, *order: sa.ColumnElement[Any]
    ) -> AsyncIterator[RowMapping]:
        where = table.c.workspace_id == self.workspace
        total = int(
            (
                await self.connection.execute(sa.select(sa.func.count()).select_from(table).where(where))
            ).scalar_one()
        )
        self.progress(phase, 0, total)
        result = await self.connection.stream(sa.select(table).where(where).order_by(*order))
        done = 0
        async for batch in result.mappings().partitions(BATCH):
            for row in batch:
                yield row
            done += len(batch)
            self.progress(phase, done, total)


async def export_workspace(
    engine: AsyncEngine, key: WorkspaceKey, *, progress: Progress = no_progress
) -> doc.Document:
    """The workspace's OKRs as a document; PortableError when the database has no such workspace."""
    async with snapshot(engine) as connection:
        found = await workspace_id(connection, key)
        if found is None:
            raise PortableError(
                f"there is no workspace {key} in this database (`okrbot export --list` shows them)"
            )
        return await _export(_Reader(connection, found, progress), found)


async def _export(read: _Reader, found: int) -> doc.Document:
    connection = read.connection
    workspace = (
        (await connection.execute(sa.select(WORKSPACE).where(WORKSPACE.c.id == found))).mappings().one()
    )
    coaching = (
        (
            await connection.execute(
                sa.select(WORKSPACE_COACHING).where(WORKSPACE_COACHING.c.workspace_id == found)
            )
        )
        .mappings()
        .one_or_none()
    )

    # Keys first: every later row names what it points at by these.
    user_of: dict[int, str] = {}
    members: list[RowMapping] = []
    async for row in read.rows("members", MEMBER, MEMBER.c.id):
        user_of[row["id"]] = row["platform_user_id"]
        members.append(row)
    team_name: dict[int, str] = {}
    teams: list[RowMapping] = []
    async for row in read.rows("teams", TEAM, TEAM.c.id):
        team_name[row["id"]] = row["name"]
        teams.append(row)
    team_members: dict[int, list[str]] = defaultdict(list)
    async for row in read.rows(
        "team members", TEAM_MEMBERSHIP, TEAM_MEMBERSHIP.c.team_id, TEAM_MEMBERSHIP.c.member_id
    ):
        team_members[row["team_id"]].append(user_of[row["member_id"]])

    objective_ref: dict[int, str] = {}
    objective_rows: list[RowMapping] = []
    async for row in read.rows("objectives", OBJECTIVE, OBJECTIVE.c.number):
        objective_ref[row["id"]] = f"O{row['number']}"
        objective_rows.append(row)
    objectives = [_objective(row, objective_ref, user_of, team_name) for row in objective_rows]

    kr_ref: dict[int, str] = {}
    key_results: list[doc.KeyResultRecord] = []
    async for row in read.rows("key results", KEY_RESULT, KEY_RESULT.c.number):
        kr_ref[row["id"]] = f"KR{row['number']}"
        key_results.append(_key_result(row, objective_ref, user_of))

    check_ins = [
        doc.CheckInRecord(
            key_result=kr_ref[row["key_result_id"]],
            value=row["value"],
            previous_value=row["previous_value"],
            confidence=row["confidence"],
            note=row["note"],
            author=user_of[row["author_id"]],
            created_at=row["created_at"],
        )
        async for row in read.rows("check-ins", CHECK_IN, CHECK_IN.c.created_at, CHECK_IN.c.id)
    ]
    initiatives = [
        doc.InitiativeRecord(
            ref=f"I{row['number']}",
            key_result=kr_ref[row["key_result_id"]],
            title=row["title"],
            owner=_maybe(user_of, row["owner_id"]),
            done=row["done"],
            done_at=row["done_at"],
            created_at=row["created_at"],
        )
        async for row in read.rows("initiatives", INITIATIVE, INITIATIVE.c.number)
    ]
    closed_cycles = [
        doc.ClosedCycleRecord(
            name=row["name"],
            score=row["score"],
            objective_count=row["objective_count"],
            closed_by=user_of[row["closed_by_id"]],
            closed_at=row["closed_at"],
        )
        async for row in read.rows("closed cycles", CLOSED_CYCLE, CLOSED_CYCLE.c.name)
    ]
    rules = [
        doc.CheckInRuleRecord(
            team=_maybe(team_name, row["team_id"]),
            member=_maybe(user_of, row["member_id"]),
            enabled=row["enabled"],
            weekday=row["weekday"],
            minute=row["minute"],
            cadence=row["cadence"],
            updated_at=row["updated_at"],
        )
        async for row in read.rows("check-in rules", COACHING_RULE, COACHING_RULE.c.id)
    ]
    schedules = {
        row["member_id"]: _schedule(row, kr_ref)
        async for row in read.rows("schedules", MEMBER_COACHING, MEMBER_COACHING.c.member_id)
    }
    channels = [
        _channel(row, team_name, objective_ref)
        async for row in read.rows("channels", CHANNEL_SETTING, CHANNEL_SETTING.c.id)
    ]
    conversations = [
        doc.TeamsConversationRecord(
            conversation_id=row["conversation_id"],
            kind=row["kind"],
            user_id=row["user_id"],
            reference=row["reference"],
            updated_at=row["updated_at"],
        )
        async for row in read.rows("Teams conversations", TEAMS_CONVERSATION, TEAMS_CONVERSATION.c.id)
    ]
    teams_users = [
        doc.TeamsUserRecord(
            user_id=row["user_id"],
            aad_object_id=row["aad_object_id"],
            service_url=row["service_url"],
            updated_at=row["updated_at"],
        )
        async for row in read.rows("Teams users", TEAMS_USER, TEAMS_USER.c.id)
    ]

    return doc.Document(
        format=doc.FORMAT,
        version=doc.VERSION,
        exported_at=utcnow(),
        workspace=doc.WorkspaceRecord(
            platform=workspace["platform"],
            external_id=workspace["external_id"],
            name=workspace["name"],
            default_tz=workspace["default_tz"],
            created_at=workspace["created_at"],
            next_objective_number=workspace["next_objective_number"],
            next_key_result_number=workspace["next_key_result_number"],
            next_initiative_number=workspace["next_initiative_number"],
        ),
        coaching=None
        if coaching is None
        else doc.CoachingSettings(reminder_hours=coaching["reminder_hours"]),
        members=[
            doc.MemberRecord(
                user_id=row["platform_user_id"],
                display_name=row["display_name"],
                tz=row["tz"],
                is_admin=row["is_admin"],
                created_at=row["created_at"],
                schedule=schedules.get(row["id"]),
            )
            for row in members
        ],
        teams=[
            doc.TeamRecord(name=row["name"], created_at=row["created_at"], members=team_members[row["id"]])
            for row in teams
        ],
        objectives=objectives,
        key_results=key_results,
        check_ins=check_ins,
        initiatives=initiatives,
        closed_cycles=closed_cycles,
        check_in_rules=rules,
        channels=channels,
        teams_conversations=conversations,
        teams_users=teams_users,
    )


def _maybe(names: dict[int, str], row_id: int | None) -> str | None:
    return None if row_id is None else names[row_id]


def _objective(
    row: RowMapping, ref: dict[int, str], user_of: dict[int, str], team_name: dict[int, str]
) -> doc.ObjectiveRecord:
    return doc.ObjectiveRecord(
        ref=ref[row["id"]],
        cycle=row["cycle"],
        title=row["title"],
        level=row["level"],
        owner=user_of[row["owner_id"]],
        team=_maybe(team_name, row["team_id"]),
        parent=_maybe(ref, row["parent_id"]),
        aspirational=row["aspirational"],
        private=row["private"],
        state=row["state"],
        progress=row["progress"],
        confidence=row["confidence"],
        score=row["score"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _key_result(
    row: RowMapping, objective_ref: dict[int, str], user_of: dict[int, str]
) -> doc.KeyResultRecord:
    return doc.KeyResultRecord(
        ref=f"KR{row['number']}",
        objective=objective_ref[row["objective_id"]],
        title=row["title"],
        kind=row["kind"],
        start_value=row["start_value"],
        target_value=row["target_value"],
        current_value=row["current_value"],
        unit=row["unit"],
        owner=_maybe(user_of, row["owner_id"]),
        weight=row["weight"],
        last_checkin_at=row["last_checkin_at"],
        last_confidence=row["last_confidence"],
        achieved_at=row["achieved_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _schedule(row: RowMapping, kr_ref: dict[int, str]) -> doc.Schedule:
    # "3,5,8": key result ids (bot/jobs/checkins.py); one deleted since the prompt is simply not named.
    text = row["prompt_key_results"]
    prompted = None if text is None else [int(part) for part in text.split(",") if part]
    return doc.Schedule(
        tz=row["tz"],
        next_due_at=row["next_due_at"],
        due_period=row["due_period"],
        paused_until=row["paused_until"],
        prompt_period=row["prompt_period"],
        prompted_at=row["prompted_at"],
        prompt_key_results=None if prompted is None else [kr_ref[i] for i in prompted if i in kr_ref],
        remind_at=row["remind_at"],
        reminded_at=row["reminded_at"],
        cycle_end_asked=row["cycle_end_asked"],
    )


def _channel(row: RowMapping, team_name: dict[int, str], objective_ref: dict[int, str]) -> doc.ChannelRecord:
    # {"<objective id>": status} (bot/service/digests.py); objectives deleted since are left out.
    statuses: dict[str, str] | None = (
        None if row["last_statuses"] is None else json.loads(row["last_statuses"])
    )
    return doc.ChannelRecord(
        purpose=row["purpose"],
        team=_maybe(team_name, row["team_id"]),
        conversation=row["conversation"],
        label=row["label"],
        weekday=row["weekday"],
        minute=row["minute"],
        next_due_at=row["next_due_at"],
        due_period=row["due_period"],
        last_statuses=None
        if statuses is None
        else {objective_ref[int(k)]: v for k, v in statuses.items() if int(k) in objective_ref},
        updated_at=row["updated_at"],
    )
