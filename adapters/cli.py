"""The `okrbot` command: reads the settings and runs what adapters/bootstrap.py wires for each subcommand."""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import signal
import socket
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from adapters import data_cli
from adapters.bootstrap import (
    SettingsError,
    check_settings,
    console_bot,
    platforms,
    sending,
    serving_app,
    tick_planners,
)
from adapters.console.routes import GREETING, Console
from adapters.console.sample import SAMPLE_SESSION
from adapters.ops.logs import configure_logging
from adapters.serve import serve
from adapters.settings import AppSettings, load_settings
from adapters.slack.settings import SlackSettingsError
from bot.config import Settings
from bot.core import OkrBot
from bot.delivery.sender import Sender
from bot.delivery.sender_config import SenderConfig
from bot.domain.clock import system_clock
from bot.domain.enums import Platform
from bot.invocation import Actor
from bot.jobs.housekeeping import Housekeeping
from bot.jobs.tick import tick
from storage import migrate
from storage.engine import DatabaseUrlError, create_engine, session_factory
from storage.repository import get_or_create_workspace
from storage.secrets import SecretKeyError

CONSOLE_WORKSPACE = "local"
log = logging.getLogger("okrbot")


def _local_tz(settings: Settings) -> str:
    """The terminal's zone (TZ) when it names a real one, else the configured default."""
    name = os.environ.get("TZ", "")
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError):
        return settings.default_timezone


def _console_actor(name: str, *, admin: bool, tz: str) -> Actor:
    name = name.lstrip("@") or "me"
    return Actor(Platform.CONSOLE, CONSOLE_WORKSPACE, user_id=name, display_name=name, tz=tz, is_admin=admin)


def _undecodable_as_replacement() -> None:
    """Read bytes that are not text as U+FFFD: one bad line of a script is then a command the bot refuses,
    not a crash (by default Python hands such bytes on as lone surrogates, which nothing can store or print)."""
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")


async def _read_line(prompt: str) -> str | None:
    interactive = sys.stdin.isatty()
    line = (
        await asyncio.to_thread(input, prompt) if interactive else await asyncio.to_thread(sys.stdin.readline)
    )
    if not interactive and line == "":
        return None
    return line.rstrip("\n")


async def _run_console(settings: Settings, *, name: str, admin: bool, seed: bool) -> int:
    _undecodable_as_replacement()
    engine = create_engine(settings.database_url)
    try:
        await migrate.ensure_migrated(engine)
        bot = console_bot(settings, engine, clock=system_clock)
        tz = _local_tz(settings)
        if seed and await _is_empty(bot):
            await _load_sample(bot, tz)
            print("Loaded a sample company's OKRs (Maya, Sam, Ari and Lee).")
        console = Console(
            bot, _console_actor(name, admin=admin, tz=tz), read=_read_line, write=print, files=Path.cwd()
        )
        if sys.stdin.isatty():
            print(GREETING)
        await console.run()
        return 0
    except migrate.DatabaseNotMigrated as error:
        print(f"okrbot: {error}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()


async def _is_empty(bot: OkrBot) -> bool:
    async with bot.sessions() as session, session.begin():
        workspace = await get_or_create_workspace(
            session=session, platform=Platform.CONSOLE, external_id=CONSOLE_WORKSPACE
        )
        return workspace.next_objective_number == 1


async def _load_sample(bot: OkrBot, tz: str) -> None:
    for name, admin, text in SAMPLE_SESSION:
        lines: list[str] = []
        console = Console(
            bot,
            _console_actor(name, admin=admin, tz=tz),
            read=_no_input,
            write=lines.append,
            files=Path.cwd(),
        )
        await console.handle_line(text)
        if any(line.startswith("✗") for line in lines):
            raise RuntimeError(f"the sample's {text!r} failed: {lines}")


async def _no_input(prompt: str) -> str | None:
    return None


def _first_setting_error(error: ValidationError) -> str:
    first = error.errors()[0]
    name = ".".join(str(part) for part in first["loc"]).upper()
    return f"setting {name} is not valid: {first['msg']}"


def _serve(settings: AppSettings, *, host: str, port: int) -> int:
    configure_logging(settings)
    try:
        check_settings(settings)  # before anything listens: a half-configured platform is a start-up error
        asyncio.run(_serve_until_stopped(settings, host=host, port=port))
    except (SettingsError, SlackSettingsError, SecretKeyError, migrate.DatabaseNotMigrated) as error:
        print(f"okrbot: {error}", file=sys.stderr)
        return 2
    return 0


async def _serve_until_stopped(settings: AppSettings, *, host: str, port: int) -> None:
    await serve(await serving_app(settings), host=host, port=port)


# ------------------------------------------------------------------------------------------ tick and worker


def _utc_time(text: str) -> datetime:
    """An argparse type: an ISO 8601 time with its offset, as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time like 2026-11-30T09:00:00Z") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone: add Z (UTC) or an offset like +01:00")
    return moment.astimezone(UTC)


async def _run_tick(settings: AppSettings, now: datetime | None) -> int:
    engine = create_engine(settings.database_url)
    try:
        await migrate.ensure_migrated(engine)
        sessions = session_factory(engine)
        sent = platforms(settings, engine=engine, clock=system_clock, serving=False)
        # --now is the time to plan for; the sender's leases and retries keep the system clock.
        sender = Sender(sessions, sent.ports, config=SenderConfig.from_settings(settings), clock=system_clock)
        try:
            summary = await tick(
                now or system_clock(), sessions=sessions, planners=tick_planners(), sender=sender
            )
            # The real time, not --now: a tick planned for a future day must not prune what is still recent.
            await Housekeeping(sessions).maybe_run(system_clock())
        finally:
            await sent.close()
        print(summary.line())
        return 1 if summary.planner_errors else 0
    except migrate.DatabaseNotMigrated as error:
        print(f"okrbot: {error}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()


async def _run_worker(settings: AppSettings) -> int:
    """The clock and the sender, without the web server, until SIGTERM or SIGINT."""
    engine = create_engine(settings.database_url)
    try:
        await migrate.ensure_migrated(engine)
        jobs, sent = sending(settings, engine, clock=system_clock)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, jobs.sender.stop)
        await jobs.start()
        log.info(
            "okrbot worker %s: ticking every minute and sending; SIGTERM or Ctrl-C stops it", jobs.sender.name
        )
        try:
            await jobs.wait()  # until a signal stops the sender, its claims handed back
        finally:
            await jobs.stop()
            await sent.close()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
        log.info("okrbot worker %s stopped", jobs.sender.name)
        return 0
    except migrate.DatabaseNotMigrated as error:
        print(f"okrbot: {error}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="okrbot", description="Run your OKRs in Slack, Teams or a terminal."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    console = commands.add_parser("console", help="the bot in this terminal")
    console.add_argument(
        "--as", dest="name", default=os.environ.get("USER", "me"), help="who you are (@name)"
    )
    console.add_argument("--admin", action="store_true", help="act as a workspace admin")
    demo = commands.add_parser("demo", help="migrate, load a sample company once, and open the console")
    demo.add_argument("--as", dest="name", default="maya", help="who you are (default @maya, an admin)")
    serve = commands.add_parser("serve", help="the web server for Slack and Teams")
    serve.add_argument("--host", default=None, help="address to listen on (default HOST or 0.0.0.0)")
    serve.add_argument("--port", type=int, default=None, help="port to listen on (default PORT or 3000)")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply migrations")
    package = commands.add_parser("teams-package", help="write the Teams app package (a zip to upload)")
    package.add_argument("--app-id", required=True, help="the bot's Microsoft App ID (a GUID)")
    package.add_argument("--bot-endpoint", required=True, help="https://your.host/api/messages")
    package.add_argument("--name", default="OKR Bot", help="the app's name in Teams (up to 30 characters)")
    package.add_argument(
        "--output", type=Path, default=Path("okrbot-teams.zip"), help="where to write the zip"
    )
    tick_command = commands.add_parser(
        "tick", help="plan and send what is due, once (for cron-style hosting)"
    )
    tick_command.add_argument(
        "--now", type=_utc_time, help="the time to plan for, e.g. 2026-11-30T09:00:00Z (default: now)"
    )
    commands.add_parser("worker", help="the every-minute clock and the sender, without the web server")
    data_cli.register(commands)  # export, import, rotate-key
    args = parser.parse_args(argv)

    if args.command == "teams-package":
        # Imported here: the Bot Framework SDK loads only for the commands that need Teams.
        from adapters.teams.package import AppInfo, PackageError, build

        try:
            args.output.write_bytes(build(AppInfo(args.app_id, args.bot_endpoint, name=args.name)))
        except PackageError as error:
            package.error(str(error))
        print(
            f"Wrote {args.output}: in Teams, Apps > Manage your apps > Upload an app > Upload a custom app."
        )
        return 0

    try:
        settings = load_settings()
    except ValidationError as error:
        print(f"okrbot: {_first_setting_error(error)}", file=sys.stderr)
        return 2
    if args.command in data_cli.COMMANDS:
        return data_cli.run(args, settings)
    try:
        return _run_command(args, settings)
    except (DatabaseUrlError, DBAPIError, ConnectionError, socket.gaierror) as error:
        print(f"okrbot: {_database_problem(error)}", file=sys.stderr)
        return 2


def _database_problem(error: Exception) -> str:
    """One line on why DATABASE_URL's database cannot be used (never the URL itself: it may hold a password)."""
    if isinstance(error, DatabaseUrlError):
        return str(error)
    reason = error.orig if isinstance(error, DBAPIError) else error
    first_line = (str(reason).strip().splitlines() or [type(reason).__name__])[0]
    return f"cannot use the database DATABASE_URL names: {first_line}"


def _run_command(args: argparse.Namespace, settings: AppSettings) -> int:
    if args.command == "serve":
        return _serve(settings, host=args.host or settings.host, port=args.port or settings.port)
    if args.command == "tick":
        configure_logging(settings, level=logging.WARNING)
        return asyncio.run(_run_tick(settings, args.now))
    if args.command == "worker":
        configure_logging(settings)
        return asyncio.run(_run_worker(settings))
    if args.command == "db":
        asyncio.run(migrate.upgrade(settings.database_url))
        print("The database is up to date.")
        return 0
    if args.command == "demo":
        asyncio.run(migrate.upgrade(settings.database_url))
        is_admin = args.name.lstrip("@") == "maya"
        return asyncio.run(_run_console(settings, name=args.name, admin=is_admin, seed=True))
    return asyncio.run(_run_console(settings, name=args.name, admin=args.admin, seed=False))


if __name__ == "__main__":
    raise SystemExit(main())
