"""The layers keep to their own business, checked by reading every file's imports:

- the OKR core knows no chat platform: no Slack or Bot Framework import anywhere under bot/ or storage/;
- storage stores: from the core it imports only bot.domain (the enums, limits and schedules its tables use);
- services work through the repository: bot/service imports no SQLAlchemy or SQLModel (no session, no query),
  and neither bot/service nor bot/commands reads an attribute called `session`;
- delivery sends what it is given: bot/delivery imports nothing from the planners in bot/jobs.
"""

from __future__ import annotations

import ast
from pathlib import Path

PLATFORM_PACKAGES = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "adapters")
# What services must not import: the session and the query builders live in storage.
DATABASE_PACKAGES = ("sqlalchemy", "sqlmodel")
# Alembic's own entry script: `alembic upgrade` run by hand reads the app's settings for the database URL.
STORAGE_ENTRY_POINTS = {"storage/migrations/env.py": {"bot.config"}}
ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def is_in(module: str, packages: tuple[str, ...]) -> bool:
    return module.split(".")[0] in packages


def core_beyond_domain(module: str) -> bool:
    """A module of the core (bot.*) other than bot.domain and what is under it."""
    return (module == "bot" or module.startswith("bot.")) and not (
        module == "bot.domain" or module.startswith("bot.domain.")
    )


def session_reads(path: Path) -> list[int]:
    """The lines that read an attribute called `session` (such as `ctx.repo.session`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted(
        node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "session"
    )


def python_files(*folders: str) -> list[Path]:
    files = [path for folder in folders for path in (ROOT / folder).rglob("*.py")]
    assert len(files) > 5  # the scan really reads the tree
    return files


def test_core_and_storage_import_no_platform_code() -> None:
    offenders = []
    files = python_files("bot", "storage")
    assert len(files) > 20
    for path in files:
        for module in imported_modules(path):
            if is_in(module, PLATFORM_PACKAGES):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_storage_imports_only_the_domain_from_the_core() -> None:
    offenders = []
    for path in python_files("storage"):
        allowed = STORAGE_ENTRY_POINTS.get(path.relative_to(ROOT).as_posix(), set())
        for module in imported_modules(path):
            if core_beyond_domain(module) and module not in allowed:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_services_import_no_session_and_no_query() -> None:
    offenders = []
    for path in python_files("bot/service"):
        for module in imported_modules(path):
            if is_in(module, DATABASE_PACKAGES):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_services_and_commands_never_reach_for_the_session() -> None:
    offenders = []
    for path in python_files("bot/service", "bot/commands"):
        offenders += [f"{path.relative_to(ROOT)}:{line} reads .session" for line in session_reads(path)]
    assert offenders == []


def test_delivery_knows_nothing_of_the_planners() -> None:
    offenders = []
    for path in python_files("bot/delivery"):
        for module in imported_modules(path):
            if module == "bot.jobs" or module.startswith("bot.jobs."):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_scans_would_catch_an_offender(tmp_path: Path) -> None:
    sample = tmp_path / "leak.py"
    sample.write_text(
        "from slack_sdk.models.blocks import SectionBlock\n"
        "import botbuilder.core\n"
        "from bot.service.context import Context\n"
        "import bot.jobs.tick\n"
        "from bot.domain.enums import Platform\n"
        "from sqlmodel.ext.asyncio.session import AsyncSession\n"
        "import sqlalchemy as sa\n"
        "async def leak(ctx: Context) -> None:\n"
        "    ctx.repo.session.add(ctx.me)\n"
    )
    modules = imported_modules(sample)
    assert {"slack_sdk.models.blocks", "botbuilder.core"} <= modules
    assert {m for m in modules if is_in(m, PLATFORM_PACKAGES)} == {
        "slack_sdk.models.blocks",
        "botbuilder.core",
    }
    assert {m for m in modules if core_beyond_domain(m)} == {"bot.service.context", "bot.jobs.tick"}
    assert {m for m in modules if is_in(m, DATABASE_PACKAGES)} == {
        "sqlmodel.ext.asyncio.session",
        "sqlalchemy",
    }
    assert session_reads(sample) == [9]
    # ...and lets through what is allowed: the domain, and names that only look alike.
    assert not core_beyond_domain("bot.domain") and not core_beyond_domain("bot.domain.schedules")
    assert not core_beyond_domain("bottle") and core_beyond_domain("bot")
    assert not is_in("sqlalchemy_utils", DATABASE_PACKAGES)
