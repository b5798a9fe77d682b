"""`okr help`: usage strings, summaries, the overview and per-command help."""

from __future__ import annotations

import re

import pytest

from bot.commands.parser import parse
from bot.commands.types import UsageError
from bot.commands.usage import ALIASES, COMMANDS_HINT, SUMMARY, USAGE, help_text

COMMANDS = [
    "help", "list", "show", "new", "kr", "checkin", "initiative", "done",
    "align", "owner", "rename", "archive", "delete", "cycle", "export", "team", "workspace",
    "settings", "pause", "resume", "digest", "config",
]  # fmt: skip
MARKUP = re.compile(r"[*`]|_\w+_|\[[^\]]*\]\(|^#|<[!@#]")


def test_every_command_has_a_usage_and_a_summary() -> None:
    assert list(USAGE) == COMMANDS
    assert list(SUMMARY) == COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_usage_lines_start_with_okr_and_name_the_command(name: str) -> None:
    lines = USAGE[name].splitlines()
    assert 1 <= len(lines) <= 2
    assert lines[0].startswith(f"okr {name}")
    for line in lines:
        assert line.startswith(("okr ", " ")), line
        assert len(line) < 100


@pytest.mark.parametrize("name", COMMANDS)
def test_summary_is_one_short_sentence(name: str) -> None:
    summary = SUMMARY[name]
    assert summary.endswith(".")
    assert "\n" not in summary
    assert len(summary) < 80


def all_help_texts() -> list[str]:
    return [help_text(None), *(help_text(name) for name in COMMANDS), COMMANDS_HINT]


def test_help_is_plain_text_with_short_lines() -> None:
    for text in all_help_texts():
        for line in text.splitlines():
            assert len(line) < 100, line
            assert not MARKUP.search(line), line


def test_overview_lists_every_command_once_in_its_group() -> None:
    overview = help_text(None)
    for group in ("Objectives", "Key results", "Check-ins", "Teams & cycles", "Other"):
        assert f"\n{group}\n" in overview
    for name in COMMANDS:
        rows = [line for line in overview.splitlines() if line.split()[:2] == ["okr", name]]
        assert len(rows) == 1, name
        assert rows[0].endswith(SUMMARY[name])
    objectives = overview.split("\nObjectives\n")[1].split("\n\n")[0]
    assert "okr new" in objectives
    assert "okr checkin" in overview.split("\nCheck-ins\n")[1].split("\n\n")[0]


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_shows_usage_and_examples_that_parse(name: str) -> None:
    text = help_text(name)
    assert text.startswith(SUMMARY[name])
    for line in USAGE[name].splitlines():
        assert line in text
    examples = [line.strip() for line in text.split("Examples:\n")[1].splitlines()]
    assert 1 <= len(examples) <= 3
    for example in examples:
        assert example.startswith("okr ")
        try:
            parse(example)
        except UsageError as error:  # pragma: no cover - shows which example is wrong
            pytest.fail(f"{example!r}: {error.message}")


def test_examples_mean_their_command() -> None:
    for name in COMMANDS:
        for line in help_text(name).split("Examples:\n")[1].splitlines():
            assert line.strip().split()[1] == name


def test_aliases_are_shown_and_resolve() -> None:
    assert ALIASES == {"check-in": "checkin", "ci": "checkin"}
    assert "Also: okr check-in, okr ci" in help_text("checkin")
    assert help_text("ci") == help_text("checkin")


def test_unknown_topic_falls_back_to_the_overview() -> None:
    assert help_text("nope") == help_text(None)


def test_commands_hint_names_every_command() -> None:
    assert COMMANDS_HINT.startswith("okr <command>")
    for name in COMMANDS:
        assert re.search(rf"\b{name}\b", COMMANDS_HINT)
