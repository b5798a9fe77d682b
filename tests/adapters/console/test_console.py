"""The console adapter: the REPL over the real core, and the `okrbot` command in a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from adapters.console.render import progress_bar
from adapters.console.routes import Console
from bot.domain.enums import Platform, Status
from bot.invocation import Actor
from bot.views.cards import Progress
from tests.children import python_path
from tests.harness import Harness


def scripted(lines: list[str]) -> tuple[list[str], object]:
    queue = list(lines)
    prompts: list[str] = []

    async def read(prompt: str) -> str | None:
        prompts.append(prompt)
        return queue.pop(0) if queue else None

    return prompts, read


async def test_buttons_are_numbered_and_forms_become_prompts(okr: Harness, tmp_path: Path) -> None:
    output: list[str] = []
    prompts, read = scripted([
        "new Grow the community", "kr O1 Reach 500 members",
        "show O1", "1",  # press [1] Check in -> a form: value, confidence, note
        "120", "at-risk", "Meetup moved",
        "export csv", "show O1", "3", "y",  # [3] Archive asks to confirm first
    ])  # fmt: skip
    actor = Actor(Platform.CONSOLE, "local", "kim", "kim", "UTC", True)
    console = Console(okr.bot, actor, read=read, write=output.append, files=tmp_path)  # type: ignore[arg-type]
    await console.run()
    text = "\n".join(output)
    assert "── Check in on KR1 ──" in text
    assert any(prompt.startswith("New value (target 500) (0)") for prompt in prompts)
    assert "120 of 500 members" in text
    assert "Archive O1? “Grow the community” will leave lists" in text
    assert "✓ Archived O1" in text
    exported = (tmp_path / "okrs-2026-11-24.csv").read_text()
    assert "Reach 500 members" in exported and ",120.0," in exported


async def test_a_form_asks_again_for_the_fields_that_were_wrong(okr: Harness, tmp_path: Path) -> None:
    await okr.ok("new Focus", who="kim")
    await okr.ok("kr O1 Reach 10 things", who="kim")
    output: list[str] = []
    _, read = scripted(["checkin KR1", "lots", "on-track", "", "7"])
    actor = Actor(Platform.CONSOLE, "acme", "kim", "kim", "UTC", None)
    await Console(okr.bot, actor, read=read, write=output.append, files=tmp_path).run()  # type: ignore[arg-type]
    text = "\n".join(output)
    assert "✗ value: “lots” is not a number." in text
    assert "7 of 10 things" in text


def test_progress_bar_shows_fraction_status_and_pace() -> None:
    assert (
        progress_bar(Progress(0.5, Status.AT_RISK, 0.6)) == "████████░░░░░░░░  50%  ▲ at risk (expected 60%)"
    )
    assert progress_bar(Progress(1.0, Status.ON_TRACK, 0.6)) == "████████████████ 100%  ● on track"


def _okrbot(args: list[str], stdin: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{cwd / 'okr.db'}", "TZ": "UTC"}
    command = [sys.executable, "-m", "adapters.cli", *args]
    root = Path(__file__).resolve().parents[3]
    env["PYTHONPATH"] = python_path(root)
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_okrbot_refuses_an_unmigrated_database_then_works_after_db_upgrade(tmp_path: Path) -> None:
    refused = _okrbot(["console", "--as", "@kim"], "list\n", tmp_path)
    assert refused.returncode == 2
    assert 'run "okrbot db upgrade"' in refused.stderr
    upgraded = _okrbot(["db", "upgrade"], "", tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    session = _okrbot(["console", "--as", "@kim"], "new Ship it\nkr O1 Reach 3 releases\nlist\n", tmp_path)
    assert session.returncode == 0, session.stderr
    assert "O1 Ship it" in session.stdout and "Your objectives" in session.stdout


def test_demo_loads_the_sample_company_once(tmp_path: Path) -> None:
    first = _okrbot(["demo"], "list all\n", tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Loaded a sample company" in first.stdout
    assert "O1 Become the OKR tool small teams love" in first.stdout
    second = _okrbot(["demo"], "list all\n", tmp_path)
    assert "Loaded a sample company" not in second.stdout
    assert second.stdout.count("O1 Become the OKR tool") == 1


def test_a_line_that_is_not_utf8_is_answered_and_the_scripted_run_goes_on(tmp_path: Path) -> None:
    assert _okrbot(["db", "upgrade"], "", tmp_path).returncode == 0
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'okr.db'}", "TZ": "UTC"}
    env["PYTHONPATH"] = python_path(Path(__file__).resolve().parents[3])
    script = b"new Ship \xff\xfe it\nnew Second objective\nlist\n"
    session = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "console", "--as", "@kim"],
        input=script, capture_output=True, cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    assert session.returncode == 0, session.stderr.decode(errors="replace")
    out = session.stdout.decode()
    assert "Second objective" in out and "Your objectives" in out
