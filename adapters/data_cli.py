"""`okrbot export`, `okrbot import` and `okrbot rotate-key`: moving a workspace's OKRs, and its tokens' key.

The work is in storage/portable/ and storage/secrets.py; this module reads the arguments, shows progress on
stderr (a redrawn bar on a terminal, one line per phase otherwise, so that logs stay readable), and turns the
errors a person can fix into one line and exit code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from bot.config import Settings
from storage import migrate
from storage.engine import create_engine
from storage.portable.checks import read_document
from storage.portable.document import Document, write
from storage.portable.errors import PortableError
from storage.portable.exporter import export_workspace
from storage.portable.importer import import_workspace
from storage.portable.workspaces import WorkspaceKey, WorkspaceSummary, list_workspaces
from storage.secrets import SETTING, SecretKeyError, TokenCipher, reencrypt_stored_tokens

COMMANDS = ("export", "import", "rotate-key")
EXIT_USAGE = 2
_BAR_WIDTH = 30
_REDRAW_EVERY = 0.1  # seconds: a bar redrawn for every batch would cost more than the batch on a slow tty


class ProgressReport:
    """Progress for storage/portable: a bar on a terminal, else a line when each non-empty phase ends."""

    def __init__(self, out: IO[str], *, tty: bool | None = None) -> None:
        self.out = out
        self.tty = out.isatty() if tty is None else tty
        self._drawn_at = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if total == 0:
            return
        finished = done >= total
        if not self.tty:
            if finished:
                print(f"{phase} {done:,}/{total:,}", file=self.out, flush=True)
            return
        now = time.monotonic()
        if not finished and done and now - self._drawn_at < _REDRAW_EVERY:
            return
        self._drawn_at = now
        filled = _BAR_WIDTH * done // total
        bar = "#" * filled + "." * (_BAR_WIDTH - filled)
        line = f"\r{phase:<20} [{bar}] {done:,}/{total:,}"
        self.out.write(line + ("\n" if finished else ""))
        self.out.flush()


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the three commands to `okrbot`'s argument parser."""
    export = commands.add_parser(
        "export", help="write one workspace's OKRs as a JSON file (back up, move, leave)"
    )
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--workspace", metavar="PLATFORM:ID", help="e.g. slack:T0123ABC, teams:<tenant id>, console:local"
    )
    which.add_argument("--list", action="store_true", help="list the workspaces, with what each holds")
    export.add_argument("--output", type=Path, help="the file to write (default: standard output)")

    load = commands.add_parser(
        "import", help="load a file `okrbot export` wrote into this database (migrating it first)"
    )
    load.add_argument("file", help="the export file (- for standard input)")
    load.add_argument(
        "--workspace", metavar="PLATFORM:ID", help="load it as this workspace (default: the one exported)"
    )
    load.add_argument(
        "--replace", action="store_true", help="delete the workspace's OKR data first, if it has any"
    )

    rotate = commands.add_parser(
        "rotate-key", help=f"re-encrypt stored platform tokens under the first key of {SETTING}"
    )
    rotate.add_argument("--new", action="store_true", help="print a fresh key instead, and how to use it")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one of COMMANDS; its exit code."""
    try:
        if args.command == "export":
            return asyncio.run(_export(args, settings))
        if args.command == "import":
            return asyncio.run(_import(args, settings))
        if args.new:
            return _new_key()
        return asyncio.run(_rotate(settings))
    except (PortableError, SecretKeyError, migrate.DatabaseNotMigrated) as error:
        print(f"okrbot: {error}", file=sys.stderr)
        return EXIT_USAGE


async def _export(args: argparse.Namespace, settings: Settings) -> int:
    key = None if args.list else WorkspaceKey.parse(args.workspace)
    if args.output is not None and not args.output.resolve().parent.is_dir():  # before a long read, not after
        raise PortableError(f"cannot write {args.output}: there is no folder {args.output.parent}")
    engine = create_engine(settings.database_url)
    try:
        await migrate.ensure_migrated(engine)
        if key is None:
            _print_list(await list_workspaces(engine))
            return 0
        document = await export_workspace(engine, key, progress=ProgressReport(sys.stderr))
    finally:
        await engine.dispose()
    if args.output is None:
        write(document, sys.stdout)
        sys.stdout.flush()
    else:
        _write_file(args.output, document)
    print(
        f"Exported {key}: {len(document.objectives):,} objectives, {len(document.key_results):,} key results, "
        f"{len(document.check_ins):,} check-ins" + (f" to {args.output}." if args.output else "."),
        file=sys.stderr,
    )
    return 0


def _write_file(path: Path, document: Document) -> None:
    # Through a file beside it, renamed into place: an export that fails half-way leaves no half a backup.
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise PortableError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            write(document, out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _print_list(workspaces: Sequence[WorkspaceSummary]) -> None:
    if not workspaces:
        print("No workspaces in this database yet.")
        return
    width = max(len(str(w.key)) for w in workspaces)
    for w in workspaces:
        name = f"  ({w.name})" if w.name else ""
        print(
            f"{w.key!s:<{width}}  {w.members:,} members, {w.objectives:,} objectives, "
            f"{w.key_results:,} key results, {w.check_ins:,} check-ins{name}"
        )


def _read_file(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise PortableError(f"cannot read {name}: {error.strerror}") from None


async def _import(args: argparse.Namespace, settings: Settings) -> int:
    into = None if args.workspace is None else WorkspaceKey.parse(args.workspace)
    document = read_document(_read_file(args.file))  # checked through before the database is touched
    await migrate.upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        imported = await import_workspace(
            engine, document, into=into, replace=args.replace, progress=ProgressReport(sys.stderr)
        )
    finally:
        await engine.dispose()
    replaced = ", in place of its data" if imported.replaced else ""
    print(
        f"Imported {imported.objectives:,} objectives, {imported.key_results:,} key results and "
        f"{imported.check_ins:,} check-ins into {imported.workspace}{replaced}."
    )
    return 0


def _new_key() -> int:
    # The key alone on standard output, so that `KEY=$(okrbot rotate-key --new)` works; the advice beside it.
    print(TokenCipher.new_key())
    print(
        f"Put it in front of the key you have, {SETTING}=<new key>,<old key>, and restart; then run "
        f"`okrbot rotate-key` to re-encrypt the stored tokens, and drop the old key.",
        file=sys.stderr,
    )
    return 0


async def _rotate(settings: Settings) -> int:
    if not settings.okrbot_secret_key:
        raise SecretKeyError(
            f"{SETTING} is not set: it holds the keys, newest first (`okrbot rotate-key --new`)"
        )
    cipher = TokenCipher(settings.okrbot_secret_key)
    engine = create_engine(settings.database_url)
    try:
        await migrate.ensure_migrated(engine)
        count = await reencrypt_stored_tokens(engine, cipher)
    finally:
        await engine.dispose()
    print(f"Re-encrypted {count} stored token{'s' if count != 1 else ''} under the first key of {SETTING}.")
    return 0
