"""The OKR core knows no chat platform: no Slack or Bot Framework import anywhere under bot/."""

from __future__ import annotations

import ast
from pathlib import Path

PLATFORM_PACKAGES = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "adapters")
ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_and_storage_import_no_platform_code() -> None:
    offenders = []
    files = [*(ROOT / "bot").rglob("*.py"), *(ROOT / "storage").rglob("*.py")]
    assert len(files) > 20  # the scan really reads the tree
    for path in files:
        for module in imported_modules(path):
            if module.split(".")[0] in PLATFORM_PACKAGES:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_scan_would_catch_an_offender(tmp_path: Path) -> None:
    sample = tmp_path / "leak.py"
    sample.write_text("from slack_sdk.models.blocks import SectionBlock\nimport botbuilder.core\n")
    assert {"slack_sdk.models.blocks", "botbuilder.core"} <= imported_modules(sample)
