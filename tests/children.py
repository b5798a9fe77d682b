"""What a Python process that a test starts needs on its path: the repository, and whatever the test run put
there (`pytest --at` puts tests/travel, whose sitecustomize moves the child's clock to the test's)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def python_path(root: Path = ROOT) -> str:
    """PYTHONPATH for a child process: `root` first, then what this process was given."""
    return os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
