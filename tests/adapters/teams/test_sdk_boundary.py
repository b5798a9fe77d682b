"""The Bot Framework SDK (archived upstream) is imported only inside adapters/teams/."""

from __future__ import annotations

from pathlib import Path

from tests.test_boundaries import ROOT, imported_modules

SDK = ("botbuilder", "botframework", "msrest")


def test_only_the_teams_adapter_imports_the_bot_framework_sdk() -> None:
    teams = ROOT / "adapters" / "teams"
    offenders = []
    for path in [*ROOT.glob("adapters/**/*.py"), *ROOT.glob("bot/**/*.py"), *ROOT.glob("storage/**/*.py")]:
        if teams in path.parents:
            continue
        offenders += [
            f"{path.relative_to(ROOT)}: {m}" for m in imported_modules(path) if m.split(".")[0] in SDK
        ]
    assert offenders == []


def test_the_teams_adapter_does_use_it(tmp_path: Path) -> None:
    modules = set().union(*(imported_modules(p) for p in (ROOT / "adapters" / "teams").glob("*.py")))
    assert any(m.startswith("botbuilder") for m in modules)  # the scan reads the right folder
