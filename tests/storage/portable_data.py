"""A workspace with a row in every table an export covers, made through the real core and planners, and its
rows in a form that two databases can be compared in (database ids replaced by the keys they stand for)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core import OkrBot
from bot.jobs.checkins import plan_checkins, schedule_unscheduled
from bot.jobs.digests import plan_digests
from storage.engine import session_factory
from storage.portable.schema import EXPORTED
from storage.teams_refs import TeamsConversation, TeamsUser
from tests.harness import NOW, Harness

WORKSPACE = "acme"  # the harness's console workspace: console:acme


async def build_workspace(engine: AsyncEngine) -> Harness:
    """Teams, every level of objective, aligned, private, aspirational, archived and closed ones, key results of
    several kinds with check-ins, initiatives, every kind of check-in rule, channels, a planned prompt and a
    digest's statuses, a pause, and the Teams adapter's references."""
    clock = [NOW]
    okr = Harness(OkrBot(session_factory(engine), clock=lambda: clock[0]), engine, clock)
    await okr.ok("team create Growth", admin=True)
    await okr.ok("team add Growth @sam @lee", admin=True)
    await okr.ok("team create Platform", admin=True)
    await okr.ok('new "Become the tool small teams love" --company', admin=True)  # O1
    await okr.ok("kr O1 Increase NPS from 30 to 50")  # KR1
    await okr.ok("kr O1 Reach 200 paying customers --owner @sam --weight 2")  # KR2
    await okr.ok("new Turn trials into paying teams --team Growth --parent O1", who="sam")  # O2
    await okr.ok("kr O2 Keep churn below 3%", who="sam")  # KR3
    await okr.ok("new Start a podcast --aspirational --private --parent O2", who="lee")  # O3
    await okr.ok("kr O3 Launch the first episode --type milestone", who="lee")  # KR4
    await okr.ok("new An old idea")  # O4
    await okr.ok("archive O4")
    await okr.ok("checkin KR1 35 --confidence at-risk the survey came back mixed")
    await okr.ok("checkin KR1 41 --confidence on-track")
    await okr.ok("checkin KR3 2.5", who="sam")
    await okr.ok("checkin KR4 done", who="lee")
    await okr.ok("initiative KR1 Run the survey")  # I1
    await okr.ok("done I1")
    await okr.ok("initiative KR2 Call the teams that left", who="sam")  # I2
    await okr.ok("config checkin monday 10:00", admin=True)
    await okr.ok("config checkin friday 15:00 --team Growth", admin=True)
    await okr.ok("settings checkin tuesday 09:30 every 2 weeks", who="lee")
    await okr.ok("config reminder off", admin=True)
    await okr.ok("config celebrate #{C0WINS|wins}", admin=True)
    await okr.ok("config digest #{C0LEADS|leads} friday 16:00 --team Growth", admin=True)
    await okr.ok("pause until 2026-12-24", who="sam")
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        await schedule_unscheduled(session, NOW)  # what `okrbot serve` does at start-up
    async with sessions() as session, session.begin():
        assert await plan_checkins(
            session, datetime(2026, 11, 27, 15, 1, tzinfo=UTC)
        )  # Maya, by Growth's rule
    async with sessions() as session, session.begin():
        assert await plan_digests(session, datetime(2026, 11, 27, 16, 1, tzinfo=UTC))
    clock[0] = datetime(2027, 1, 2, 9, tzinfo=UTC)
    await okr.ok("new Next quarter's plan --company", admin=True)  # O5, in 2027-Q1
    await okr.ok("cycle close 2026-Q4", admin=True)
    async with sessions() as session, session.begin():
        workspace_id = (await session.execute(sa.text("SELECT id FROM workspace"))).scalar_one()
        session.add(
            TeamsConversation(
                workspace_id=workspace_id,
                conversation_id="a:1personal",
                kind="personal",
                user_id="29:maya",
                reference=json.dumps({"serviceUrl": "https://smba.example/", "conversation": {"id": "a:1"}}),
            )
        )
        session.add(
            TeamsUser(workspace_id=workspace_id, user_id="29:maya", service_url="https://smba.example/")
        )
    return okr


# How a row of each table is named once its id is gone; a new table that others point at needs a line here.
_NATURAL_KEY = {
    "workspace": ("platform", "external_id"),
    "member": ("platform_user_id",),
    "team": ("name_key",),
    "objective": ("number",),
    "key_result": ("number",),
}


async def portable_rows(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every exported table, with ids replaced by what they point at, sorted: equal for two
    databases holding the same OKRs, whatever ids each gave them. (Like tests/harness.py's every_row.)"""
    async with engine.connect() as connection:
        raw = {
            table.name: [dict(row) for row in (await connection.execute(sa.select(table))).mappings()]
            for table in EXPORTED
        }
    by_id = {
        name: {row["id"]: tuple(row[k] for k in key) for row in raw[name]}
        for name, key in _NATURAL_KEY.items()
    }

    def scope(text: str) -> Any:
        kind, _, number = text.partition(":")
        return text if not number else (kind, by_id[kind if kind != "member" else "member"][int(number)])

    normalised: dict[str, list[tuple[Any, ...]]] = {}
    for table in EXPORTED:
        rows = []
        for row in raw[table.name]:
            out = {}
            for column in table.columns:
                value = row[column.name]
                foreign = next(iter(column.foreign_keys), None)
                if column.name == "id" and column.primary_key:
                    continue
                if foreign is not None and value is not None:
                    value = by_id[foreign.column.table.name][value]
                elif column.name == "scope":
                    value = scope(value)
                elif column.name == "prompt_key_results" and value:
                    value = tuple(by_id["key_result"][int(i)] for i in value.split(","))
                elif column.name == "last_statuses" and value:
                    value = sorted(
                        (by_id["objective"].get(int(k), ("gone", k)), v) for k, v in json.loads(value).items()
                    )
                out[column.name] = value
            rows.append(tuple(sorted(out.items())))
        normalised[table.name] = sorted(rows, key=repr)
    return normalised
