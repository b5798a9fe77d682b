"""A DATABASE_URL okrbot cannot use is one line on stderr and exit 2, for `db upgrade` and `serve` alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli import main
from tests.children import python_path

UNUSABLE = [
    ("mysql://okr:secret@localhost/okr", 'Unsupported database "mysql://"'),
    ("postgresql://okr:secret@127.0.0.1:1/okr", "Connect call failed"),  # nothing listens on port 1
    ("sqlite:////no/such/folder/okr.db", "unable to open database file"),
]


@pytest.mark.parametrize(("url", "reason"), UNUSABLE)
def test_db_upgrade_says_why_in_one_line(
    url: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the repository's is read
    monkeypatch.setenv("DATABASE_URL", url)

    assert main(["db", "upgrade"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("okrbot: ") and reason in err
    assert err.count("\n") == 1 and "secret" not in err


@pytest.mark.parametrize(("url", "reason"), UNUSABLE)
def test_serve_says_why_in_one_line(url: str, reason: str, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": url, "PORT": "0", "PYTHONPATH": python_path()}
    served = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "serve", "--host", "127.0.0.1"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60,
    )  # fmt: skip
    assert served.returncode == 2
    assert "Traceback" not in served.stderr and "secret" not in served.stderr
    (line,) = [line for line in served.stderr.splitlines() if line.startswith("okrbot: ")]
    assert reason in line
