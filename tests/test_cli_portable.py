"""`okrbot export` and `okrbot import` as people run them: real processes on SQLite files, and in-process runs
on both databases for the files that must be refused with nothing written."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.cli import main
from adapters.data_cli import ProgressReport
from storage.engine import create_engine
from storage.migrate import upgrade
from tests.harness import every_row
from tests.storage.portable_data import build_workspace, portable_rows

ROOT = Path(__file__).resolve().parents[1]


def okrbot(*args: str, database: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        return await portable_rows(engine)
    finally:
        await engine.dispose()


async def test_export_then_import_into_a_new_database_as_processes(tmp_path: Path) -> None:
    source, target, backup = tmp_path / "source.db", tmp_path / "target.db", tmp_path / "acme.json"
    await upgrade(f"sqlite:///{source}")
    engine = create_engine(f"sqlite:///{source}")
    try:
        await build_workspace(engine)
    finally:
        await engine.dispose()

    listed = await asyncio.to_thread(okrbot, "export", "--list", database=source)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == "console:acme  3 members, 5 objectives, 4 key results, 4 check-ins\n"

    exported = await asyncio.to_thread(
        okrbot, "export", "--workspace", "console:acme", "--output", str(backup), database=source
    )
    assert exported.returncode == 0, exported.stderr
    # Not a terminal: one line per phase, no bar redrawn with carriage returns.
    assert "\r" not in exported.stderr
    assert "objectives 5/5\n" in exported.stderr and "check-ins 4/4\n" in exported.stderr
    assert exported.stderr.endswith(
        f"Exported console:acme: 5 objectives, 4 key results, 4 check-ins to {backup}.\n"
    )
    assert json.loads(backup.read_text())["objectives"][0]["ref"] == "O1"

    imported = await asyncio.to_thread(okrbot, "import", str(backup), database=target)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == "Imported 5 objectives, 4 key results and 4 check-ins into console:acme.\n"
    assert await _rows(target) == await _rows(source)

    again = await asyncio.to_thread(okrbot, "import", str(backup), database=target)
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "add --replace" in again.stderr

    to_stdout = await asyncio.to_thread(okrbot, "export", "--workspace", "console:acme", database=target)
    from_file = json.loads(backup.read_text())
    from_stdout = json.loads(to_stdout.stdout)
    assert {k: v for k, v in from_stdout.items() if k != "exported_at"} == {
        k: v for k, v in from_file.items() if k != "exported_at"
    }

    replaced = await asyncio.to_thread(
        okrbot,
        "import",
        "-",
        "--workspace",
        "slack:T0ACME",
        "--replace",
        database=target,
        stdin=to_stdout.stdout,
    )
    assert replaced.returncode == 0, replaced.stderr
    assert "into slack:T0ACME." in replaced.stdout  # nothing there yet: nothing replaced


def _run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, *args: str) -> int:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.setenv("DATABASE_URL", database_url)
    return main(list(args))


BAD_FILES = {
    "malformed": ('{"format": "okrbot-workspace", "version": 1,', "the file is not valid JSON"),
    "newer": ('{"format": "okrbot-workspace", "version": 2}', "version 2 of the export format"),
    "nested": (
        '{"format": "okrbot-workspace", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "nested too deeply",
    ),
    "dangling": (None, "key_results[0] (KR1): objective O77 is not in the file"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
async def test_a_bad_file_exits_2_with_one_line_and_writes_nothing(
    case: str,
    engine: AsyncEngine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await build_workspace(engine)
    text, expected = BAD_FILES[case]
    if text is None:
        assert (
            await asyncio.to_thread(
                _run,
                monkeypatch,
                tmp_path,
                database_url,
                "export",
                "--workspace",
                "console:acme",
                "--output",
                "a.json",
            )
            == 0
        )
        data = json.loads((tmp_path / "a.json").read_text())
        data["key_results"][0]["objective"] = "O77"
        text = json.dumps(data)
    (tmp_path / "bad.json").write_text(text)
    before = await every_row(engine)
    capsys.readouterr()

    code = await asyncio.to_thread(
        _run,
        monkeypatch,
        tmp_path,
        database_url,
        "import",
        "bad.json",
        "--workspace",
        "slack:T0NEW",
        "--replace",
    )

    error = capsys.readouterr().err
    assert code == 2
    assert error.startswith("okrbot: ") and error.count("\n") == 1 and expected in error
    assert await every_row(engine) == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("export", "--workspace", "slack:T0NOPE"), "there is no workspace slack:T0NOPE in this database"),
        (("export", "--workspace", "T0ACME"), "'T0ACME' is not a workspace: write PLATFORM:ID"),
        (("import", "missing.json"), "cannot read missing.json: No such file or directory"),
        (
            ("export", "--workspace", "console:acme", "--output", "no/such/dir/a.json"),
            "cannot write no/such/dir/a.json: there is no folder no/such/dir",
        ),
    ],
)
async def test_what_cannot_be_found_is_one_line(
    args: tuple[str, ...],
    expected: str,
    engine: AsyncEngine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await build_workspace(engine)
    code = await asyncio.to_thread(_run, monkeypatch, tmp_path, database_url, *args)
    error = capsys.readouterr().err
    assert code == 2 and error.count("\n") == 1 and expected in error


def test_on_a_terminal_the_bar_is_redrawn_in_place_and_ends_each_phase_with_a_line() -> None:
    out = StringIO()
    report = ProgressReport(out, tty=True)
    report("objectives", 0, 10_000)
    report("objectives", 10_000, 10_000)
    report("teams", 0, 0)  # empty phases are not shown
    assert out.getvalue() == (
        f"\r{'objectives':<20} [{'.' * 30}] 0/10,000\r{'objectives':<20} [{'#' * 30}] 10,000/10,000\n"
    )


def test_off_a_terminal_each_phase_is_one_line_when_it_ends() -> None:
    out = StringIO()
    report = ProgressReport(out, tty=False)
    for done in (0, 5_000, 10_000):
        report("check-ins", done, 10_000)
    assert out.getvalue() == "check-ins 10,000/10,000\n"
