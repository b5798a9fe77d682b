#!/usr/bin/env python3
"""Developer entry point that needs nothing but Python 3.11+: `python3 dev.py demo` / `python3 dev.py test`.

It makes `.venv`, installs the project with its test tools there (again only when pyproject.toml changes),
then runs what was asked. Extra arguments go to the tool: `python3 dev.py test -k grammar`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def run(*command: str | Path) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    completed = subprocess.run([str(part) for part in command], cwd=ROOT)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def ensure_installed() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs before anything checks the version
        sys.exit(f"okrbot needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    pyproject = ROOT / "pyproject.toml"
    if STAMP.exists() and STAMP.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test]")
    STAMP.touch()


def main() -> None:
    task, *rest = sys.argv[1:] or ["help"]
    if task not in ("demo", "test", "console", "install"):
        sys.exit(__doc__)
    ensure_installed()
    if task == "demo":
        run(BIN / "okrbot", "demo", *rest)
    elif task == "console":
        run(BIN / "okrbot", "console", *rest)
    elif task == "test":
        run(BIN / "ruff", "check", ".")
        run(BIN / "ruff", "format", "--check", ".")
        run(BIN / "mypy", "bot", "storage", "adapters")  # strict on bot/ and storage/ (pyproject.toml)
        run(BIN / "pytest", *rest)


if __name__ == "__main__":
    main()
