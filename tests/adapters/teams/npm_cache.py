"""npm packages for tests, installed at test time into a cache directory (never vendored in the repository).

The cache is $OKRBOT_NPM_CACHE or ~/.cache/okrbot/npm, one folder per package@version, so a second run costs
nothing. Without npm the tests that need it skip, except under CI=true, where they fail: CI must run them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def cache_root() -> Path:
    return Path(os.environ.get("OKRBOT_NPM_CACHE") or Path.home() / ".cache" / "okrbot" / "npm")


def require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        reason = f"{tool} is not installed (Debian: apt-get install nodejs npm)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI=true: CI must run the Teams card and emulator tests")
        pytest.skip(reason)
    return found


def install(package: str, version: str) -> Path:
    """node_modules holding package@version (and its dependencies)."""
    npm = require("npm")
    require("node")
    folder = cache_root() / f"{package.replace('/', '+')}@{version}"
    modules = folder / "node_modules"
    if (modules / package / "package.json").exists():
        return modules
    folder.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(folder), "--no-save", "--no-audit", "--no-fund",
               "--loglevel=error", f"{package}@{version}"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0:
        pytest.fail(f"npm install {package}@{version} failed:\n{result.stderr[-2000:]}")
    return modules
