"""Export and import of a workspace: a round trip through SQLite and PostgreSQL keeps every row, refusals and
bad files write nothing, and numbering goes on after the imported refs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core import OkrBot
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.portable.document import Document
from storage.portable.errors import PortableError
from storage.portable.exporter import export_workspace
from storage.portable.importer import import_workspace
from storage.portable.schema import EXPORTED
from storage.portable.workspaces import WorkspaceKey, list_workspaces
from tests.harness import Harness, every_row
from tests.storage.portable_data import WORKSPACE, build_workspace, portable_rows

ACME = WorkspaceKey.parse(f"console:{WORKSPACE}")
LATER = datetime(2027, 1, 5, 9, tzinfo=UTC)  # in 2027-Q1: the sample closed 2026-Q4


async def test_a_round_trip_sqlite_postgresql_sqlite_keeps_every_row(
    sqlite_url: str, postgres_url: str, tmp_path: Path
) -> None:
    urls = [sqlite_url, postgres_url, f"sqlite:///{tmp_path / 'back.db'}"]
    engines = []
    for url in urls:
        await upgrade(url)
        engines.append(create_engine(url))
    try:
        await build_workspace(engines[0])
        original = await portable_rows(engines[0])
        assert all(original[table.name] for table in EXPORTED), "the sample misses a table"

        first = await export_workspace(engines[0], ACME)
        await import_workspace(engines[1], first)
        assert await portable_rows(engines[1]) == original
        second = await export_workspace(engines[1], ACME)
        await import_workspace(engines[2], second)
        assert await portable_rows(engines[2]) == original
        assert second.model_dump(exclude={"exported_at"}) == first.model_dump(exclude={"exported_at"})
    finally:
        for engine in engines:
            await engine.dispose()


@pytest.fixture
async def exported(engine: AsyncEngine) -> Document:
    """The sample workspace, built on `engine` (both databases) and exported."""
    await build_workspace(engine)
    return await export_workspace(engine, ACME)


async def test_importing_into_a_workspace_that_holds_data_is_refused_and_changes_nothing(
    engine: AsyncEngine, exported: Document
) -> None:
    before = await every_row(engine)

    with pytest.raises(
        PortableError, match=r"console:acme already holds OKR data \(3 members.*add --replace"
    ):
        await import_workspace(engine, exported)

    assert await every_row(engine) == before


async def test_replace_deletes_the_workspace_data_first_in_the_same_transaction(
    engine: AsyncEngine, exported: Document
) -> None:
    original = await portable_rows(engine)
    okr = Harness(OkrBot(session_factory(engine), clock=lambda: LATER), engine, [LATER])
    await okr.ok("new Written after the backup", who="kim")
    await okr.ok("delete O4 --yes", admin=True)
    assert await portable_rows(engine) != original

    imported = await import_workspace(engine, exported, replace=True)

    assert imported.replaced
    assert await portable_rows(engine) == original


async def test_an_import_stopped_half_way_leaves_nothing(engine: AsyncEngine, exported: Document) -> None:
    await import_workspace(engine, exported, into=WorkspaceKey.parse("slack:T0FIRST"))
    before = await every_row(engine)
    phases: list[str] = []

    def interrupt(phase: str, done: int, total: int) -> None:
        phases.append(phase)
        if phase == "check-ins":  # members, teams, objectives and key results are in by now
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await import_workspace(
            engine, exported, into=WorkspaceKey.parse("slack:T0SECOND"), progress=interrupt
        )

    assert "key results" in phases
    assert await every_row(engine) == before


async def test_a_workspace_imports_under_another_name_beside_the_original(
    engine: AsyncEngine, exported: Document
) -> None:
    original = await portable_rows(engine)
    await import_workspace(engine, exported, into=WorkspaceKey.parse("teams:tenant-2"))

    summaries = {str(w.key): w for w in await list_workspaces(engine)}
    assert set(summaries) == {"console:acme", "teams:tenant-2"}
    assert summaries["teams:tenant-2"].objectives == summaries["console:acme"].objectives == 5
    again = await export_workspace(engine, WorkspaceKey.parse("teams:tenant-2"))
    assert again.model_dump(exclude={"exported_at", "workspace"}) == exported.model_dump(
        exclude={"exported_at", "workspace"}
    )
    assert (await portable_rows(engine)) != original  # the new workspace's rows are there too
    await import_workspace(engine, exported, replace=True)  # and replacing acme leaves teams:tenant-2 alone
    assert (await list_workspaces(engine))[1].objectives == 5


async def test_new_refs_continue_after_the_imported_ones(
    exported: Document, sqlite_url: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    await upgrade(url)
    engine = create_engine(url)
    try:
        await import_workspace(engine, exported)
        okr = Harness(OkrBot(session_factory(engine), clock=lambda: LATER), engine, [LATER])
        assert "O6" in await okr.ok('new "A new objective"', workspace=WORKSPACE)
        assert "KR5" in await okr.ok("kr O6 Reach 10 demos", workspace=WORKSPACE)
        assert "I3" in await okr.ok("initiative KR5 Book the demos", workspace=WORKSPACE)
        assert "Increase NPS from 30 to 50" in await okr.ok("show KR1", workspace=WORKSPACE)
    finally:
        await engine.dispose()


async def test_counters_behind_the_refs_in_a_hand_edited_file_are_moved_past_them(
    exported: Document, tmp_path: Path
) -> None:
    edited = exported.model_copy(
        update={"workspace": exported.workspace.model_copy(update={"next_objective_number": 2})}
    )
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    await upgrade(url)
    engine = create_engine(url)
    try:
        await import_workspace(engine, edited)
        okr = Harness(OkrBot(session_factory(engine), clock=lambda: LATER), engine, [LATER])
        assert "O6" in await okr.ok('new "Not O2"', workspace=WORKSPACE)
    finally:
        await engine.dispose()
