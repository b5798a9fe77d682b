"""A checked Document (storage/portable/checks.py) written into a database as one workspace, in one transaction.

Rows go in by table, in batches of one multi-row statement each (executemany); the ids of rows that others point
at are then read back by the key each has in the workspace (user id, team name, number) and mapped from the
file's keys. A workspace that already holds data is refused unless `replace`, which deletes that data first in
the same transaction. Numbering counters come from the file, so new refs continue after the imported ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.coaching import WORKSPACE_SCOPE, member_scope, team_scope
from storage.portable import document as doc
from storage.portable.errors import PortableError, Progress, no_progress
from storage.portable.schema import (
    CHANNEL_SETTING,
    CHECK_IN,
    CLOSED_CYCLE,
    COACHING_RULE,
    EXPORTED,
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

BATCH = 5000
Row = dict[str, Any]
IdOf = Callable[[str | None], int | None]  # the new id of a member or team the file names, None for None


@dataclass(frozen=True)
class Imported:
    workspace: WorkspaceKey
    replaced: bool
    objectives: int
    key_results: int
    check_ins: int


class _Writer:
    def __init__(self, connection: AsyncConnection, workspace: int, progress: Progress) -> None:
        self.connection = connection
        self.workspace = workspace
        self.progress = progress

    async def insert(self, phase: str, table: sa.Table, rows: Sequence[Row]) -> None:
        """Insert the rows in batches, one multi-row statement each."""
        self.progress(phase, 0, len(rows))
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            await self.connection.execute(sa.insert(table), batch)
            self.progress(phase, start + len(batch), len(rows))

    async def insert_keyed(
        self, phase: str, table: sa.Table, rows: Sequence[Row], key: str
    ) -> dict[Any, int]:
        """Insert the rows; then their new ids, by `key` (a column unique in the workspace).

        Read back rather than returned: an ordered INSERT ... RETURNING of many rows is one statement per row
        on SQLite, 40 times slower here.
        """
        await self.insert(phase, table, rows)
        query = sa.select(table.c[key], table.c.id).where(table.c.workspace_id == self.workspace)
        return {found: row_id for found, row_id in await self.connection.execute(query)}


async def import_workspace(
    engine: AsyncEngine,
    document: doc.Document,
    *,
    into: WorkspaceKey | None = None,
    replace: bool = False,
    progress: Progress = no_progress,
) -> Imported:
    """Load the document as workspace `into` (default: the one it was exported from), all or nothing.

    PortableError when that workspace already holds data and `replace` is not set.
    """
    target = into or WorkspaceKey(document.workspace.platform, document.workspace.external_id)
    async with engine.begin() as connection:
        found = await workspace_id(connection, target)
        replaced = False
        if found is not None:
            held = await _held(connection, found)
            if held and not replace:
                raise PortableError(
                    f"{target} already holds OKR data ({held}): add --replace to delete it and load the file "
                    "in its place, or name another workspace with --workspace"
                )
            if held:
                await _delete_data(connection, found)
                replaced = True
        ws = await _write_workspace(connection, document, target, found)
        await _write_data(_Writer(connection, ws, progress), ws, document)
    return Imported(
        target, replaced, len(document.objectives), len(document.key_results), len(document.check_ins)
    )


_NAMED = {
    MEMBER: "members",
    TEAM: "teams",
    OBJECTIVE: "objectives",
    KEY_RESULT: "key results",
    CHECK_IN: "check-ins",
}


async def _held(connection: AsyncConnection, ws: int) -> str:
    """What the workspace holds, as "3 members, 12 objectives, 4 other rows", or "" when nothing."""
    counts = []
    others = 0
    for table in EXPORTED:
        if table is WORKSPACE:
            continue
        query = sa.select(sa.func.count()).select_from(table).where(table.c.workspace_id == ws)
        count = int((await connection.execute(query)).scalar_one())
        if table in _NAMED and count:
            counts.append(f"{count} {_NAMED[table]}")
        else:
            others += count
    if others:
        counts.append(f"{others} other rows")
    return ", ".join(counts)


async def _delete_data(connection: AsyncConnection, ws: int) -> None:
    # Objectives point at each other; unlinking them first lets one statement delete them all on any database.
    await connection.execute(
        sa.update(OBJECTIVE).where(OBJECTIVE.c.workspace_id == ws).values(parent_id=None)
    )
    for table in reversed(EXPORTED):
        if table is not WORKSPACE:
            await connection.execute(sa.delete(table).where(table.c.workspace_id == ws))


def _next(counter: int, refs: Sequence[str]) -> int:
    """The file's counter, or past its highest ref if a hand-edited file got it wrong: refs are never reused."""
    return max([counter, *(doc.number_of(ref) + 1 for ref in refs)])


async def _write_workspace(
    connection: AsyncConnection, document: doc.Document, target: WorkspaceKey, found: int | None
) -> int:
    record = document.workspace
    values: Row = {
        "name": record.name,
        "default_tz": record.default_tz,
        "next_objective_number": _next(record.next_objective_number, [o.ref for o in document.objectives]),
        "next_key_result_number": _next(record.next_key_result_number, [k.ref for k in document.key_results]),
        "next_initiative_number": _next(record.next_initiative_number, [i.ref for i in document.initiatives]),
    }
    if found is not None:
        await connection.execute(sa.update(WORKSPACE).where(WORKSPACE.c.id == found).values(values))
        return found
    values |= {
        "platform": target.platform,
        "external_id": target.external_id,
        "created_at": record.created_at,
    }
    return int(
        (await connection.execute(sa.insert(WORKSPACE).returning(WORKSPACE.c.id), [values])).scalar_one()
    )


async def _write_data(write: _Writer, ws: int, document: doc.Document) -> None:
    connection = write.connection
    if document.coaching is not None:
        await write.insert(
            "settings",
            WORKSPACE_COACHING,
            [{"workspace_id": ws, "reminder_hours": document.coaching.reminder_hours}],
        )

    member_rows = [
        {
            "workspace_id": ws,
            "platform_user_id": m.user_id,
            "display_name": m.display_name,
            "name_key": m.display_name.casefold(),
            "tz": m.tz,
            "is_admin": m.is_admin,
            "created_at": m.created_at,
        }
        for m in document.members
    ]
    member: dict[str, int] = await write.insert_keyed("members", MEMBER, member_rows, "platform_user_id")

    team_rows = [
        {"workspace_id": ws, "name": t.name, "name_key": t.name.casefold(), "created_at": t.created_at}
        for t in document.teams
    ]
    team: dict[str, int] = await write.insert_keyed("teams", TEAM, team_rows, "name_key")
    await write.insert(
        "team members",
        TEAM_MEMBERSHIP,
        [
            {"team_id": team[t.name.casefold()], "member_id": member[user], "workspace_id": ws}
            for t in document.teams
            for user in t.members
        ],
    )

    def team_of(name: str | None) -> int | None:
        return None if name is None else team[name.casefold()]

    objective_rows = [
        {
            "workspace_id": ws,
            "number": doc.number_of(o.ref),
            "cycle": o.cycle,
            "title": o.title,
            "level": o.level,
            "level_rank": o.level.rank,
            "owner_id": member[o.owner],
            "team_id": team_of(o.team),
            "parent_id": None,  # set below, once every objective has its id
            "aspirational": o.aspirational,
            "private": o.private,
            "state": o.state,
            "progress": o.progress,
            "confidence": o.confidence,
            "score": o.score,
            "created_at": o.created_at,
            "updated_at": o.updated_at,
        }
        for o in document.objectives
    ]
    by_number = await write.insert_keyed("objectives", OBJECTIVE, objective_rows, "number")
    objective = {f"O{number}": row_id for number, row_id in by_number.items()}
    parents = [
        {"child": objective[o.ref], "parent": objective[o.parent]} for o in document.objectives if o.parent
    ]
    if parents:
        await connection.execute(
            sa.update(OBJECTIVE)
            .where(OBJECTIVE.c.id == sa.bindparam("child"))
            .values(parent_id=sa.bindparam("parent")),
            parents,
        )

    def member_of(user: str | None) -> int | None:
        return None if user is None else member[user]

    kr_rows = [
        {
            "workspace_id": ws,
            "number": doc.number_of(k.ref),
            "objective_id": objective[k.objective],
            "title": k.title,
            "kind": k.kind,
            "start_value": k.start_value,
            "target_value": k.target_value,
            "current_value": k.current_value,
            "unit": k.unit,
            "owner_id": member_of(k.owner),
            "weight": k.weight,
            "last_checkin_at": k.last_checkin_at,
            "last_confidence": k.last_confidence,
            "achieved_at": k.achieved_at,
            "created_at": k.created_at,
            "updated_at": k.updated_at,
        }
        for k in document.key_results
    ]
    by_number = await write.insert_keyed("key results", KEY_RESULT, kr_rows, "number")
    key_result = {f"KR{number}": row_id for number, row_id in by_number.items()}
    await write.insert(
        "check-ins",
        CHECK_IN,
        [
            {
                "workspace_id": ws,
                "key_result_id": key_result[c.key_result],
                "value": c.value,
                "previous_value": c.previous_value,
                "confidence": c.confidence,
                "note": c.note,
                "author_id": member[c.author],
                "created_at": c.created_at,
            }
            for c in document.check_ins
        ],
    )
    await write.insert(
        "initiatives",
        INITIATIVE,
        [
            {
                "workspace_id": ws,
                "number": doc.number_of(i.ref),
                "key_result_id": key_result[i.key_result],
                "title": i.title,
                "owner_id": member_of(i.owner),
                "done": i.done,
                "done_at": i.done_at,
                "created_at": i.created_at,
            }
            for i in document.initiatives
        ],
    )
    await write.insert(
        "closed cycles",
        CLOSED_CYCLE,
        [
            {
                "workspace_id": ws,
                "name": c.name,
                "score": c.score,
                "objective_count": c.objective_count,
                "closed_by_id": member[c.closed_by],
                "closed_at": c.closed_at,
            }
            for c in document.closed_cycles
        ],
    )
    await write.insert(
        "check-in rules", COACHING_RULE, [_rule(r, ws, team_of, member_of) for r in document.check_in_rules]
    )
    await write.insert(
        "schedules",
        MEMBER_COACHING,
        [
            _schedule(m.schedule, member[m.user_id], ws, key_result)
            for m in document.members
            if m.schedule is not None
        ],
    )
    await write.insert(
        "channels",
        CHANNEL_SETTING,
        [
            {
                "workspace_id": ws,
                "purpose": c.purpose,
                "scope": WORKSPACE_SCOPE if c.team is None else team_scope(team[c.team.casefold()]),
                "team_id": team_of(c.team),
                "conversation": c.conversation,
                "label": c.label,
                "weekday": c.weekday,
                "minute": c.minute,
                "next_due_at": c.next_due_at,
                "due_period": c.due_period,
                # As bot/service/digests.py writes it: {"<objective id>": status}, keys sorted.
                "last_statuses": None
                if c.last_statuses is None
                else json.dumps(
                    {str(objective[ref]): s.value for ref, s in c.last_statuses.items()}, sort_keys=True
                ),
                "updated_at": c.updated_at,
            }
            for c in document.channels
        ],
    )
    await write.insert(
        "Teams conversations",
        TEAMS_CONVERSATION,
        [{"workspace_id": ws, **c.model_dump()} for c in document.teams_conversations],
    )
    await write.insert(
        "Teams users", TEAMS_USER, [{"workspace_id": ws, **u.model_dump()} for u in document.teams_users]
    )


def _rule(rule: doc.CheckInRuleRecord, ws: int, team_of: IdOf, member_of: IdOf) -> Row:
    team_id, member_id = team_of(rule.team), member_of(rule.member)
    scope = member_scope(member_id) if member_id else team_scope(team_id) if team_id else WORKSPACE_SCOPE
    return {
        "workspace_id": ws,
        "scope": scope,
        "team_id": team_id,
        "member_id": member_id,
        "enabled": rule.enabled,
        "weekday": rule.weekday,
        "minute": rule.minute,
        "cadence": rule.cadence,
        "updated_at": rule.updated_at,
    }


def _schedule(schedule: doc.Schedule, member_id: int, ws: int, key_result: dict[str, int]) -> Row:
    return {
        "member_id": member_id,
        "workspace_id": ws,
        "tz": schedule.tz,
        "next_due_at": schedule.next_due_at,
        "due_period": schedule.due_period,
        "paused_until": schedule.paused_until,
        "prompt_period": schedule.prompt_period,
        "prompted_at": schedule.prompted_at,
        # As bot/jobs/checkins.py writes it: "3,5,8"; NULL when no prompt was planned yet.
        "prompt_key_results": None
        if schedule.prompt_key_results is None
        else ",".join(str(key_result[ref]) for ref in schedule.prompt_key_results),
        "remind_at": schedule.remind_at,
        "reminded_at": schedule.reminded_at,
        "cycle_end_asked": schedule.cycle_end_asked,
    }
