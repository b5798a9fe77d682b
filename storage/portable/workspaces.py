"""Which workspaces a database holds, named the way people type them: `slack:T0123ABC`, `console:local`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.domain.enums import Platform
from storage.portable.errors import PortableError
from storage.portable.schema import CHECK_IN, KEY_RESULT, MEMBER, OBJECTIVE, WORKSPACE

_W = WORKSPACE


@dataclass(frozen=True)
class WorkspaceKey:
    platform: Platform
    external_id: str

    @classmethod
    def parse(cls, text: str) -> WorkspaceKey:
        """`slack:T0123ABC`, `teams:<tenant id>`, `console:local`; PortableError naming the problem otherwise."""
        platform, _, external_id = text.partition(":")
        choices = ", ".join(p.value for p in Platform)
        if not external_id or platform not in Platform._value2member_map_:
            raise PortableError(
                f"{text!r} is not a workspace: write PLATFORM:ID with PLATFORM one of {choices}, "
                "e.g. slack:T0123ABC (`okrbot export --list` shows them)"
            )
        return cls(Platform(platform), external_id)

    def __str__(self) -> str:
        return f"{self.platform.value}:{self.external_id}"


@dataclass(frozen=True)
class WorkspaceSummary:
    key: WorkspaceKey
    name: str | None
    members: int
    objectives: int
    key_results: int
    check_ins: int


async def workspace_id(connection: AsyncConnection, key: WorkspaceKey) -> int | None:
    query = sa.select(_W.c.id).where(_W.c.platform == key.platform, _W.c.external_id == key.external_id)
    found = (await connection.execute(query)).scalar_one_or_none()
    return None if found is None else int(found)


async def list_workspaces(engine: AsyncEngine) -> Sequence[WorkspaceSummary]:
    """Every workspace with how much it holds, by platform and id."""

    def count_of(table: sa.Table) -> sa.ScalarSelect[int]:
        return (
            sa.select(sa.func.count())
            .select_from(table)
            .where(table.c.workspace_id == _W.c.id)
            .scalar_subquery()
        )

    query = sa.select(
        _W.c.platform,
        _W.c.external_id,
        _W.c.name,
        *(count_of(table) for table in (MEMBER, OBJECTIVE, KEY_RESULT, CHECK_IN)),
    ).order_by(_W.c.platform, _W.c.external_id)
    async with engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    return [
        WorkspaceSummary(WorkspaceKey(Platform(row[0]), row[1]), row[2], *(int(n) for n in row[3:]))
        for row in rows
    ]
