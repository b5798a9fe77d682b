"""What `okr help` says: each command's usage, a one-sentence summary, and examples, drawn from the registry.
Plain text only: every platform shows these as they are (no Slack mrkdwn, no Markdown)."""

from __future__ import annotations

import textwrap

from bot.commands.registry import OVERVIEW, VERBS

USAGE: dict[str, str] = {verb.name: verb.usage for verb in VERBS}
SUMMARY: dict[str, str] = {verb.name: verb.summary for verb in VERBS}
# Other words people type for a command; `okr help` names them under the command.
ALIASES: dict[str, str] = {alias: verb.name for verb in VERBS for alias in verb.aliases}
_EXAMPLES: dict[str, tuple[str, ...]] = {verb.name: verb.examples for verb in VERBS}

# The usage attached to an unknown command: what the commands are called.
COMMANDS_HINT = "okr <command> ...\n" + textwrap.fill("Commands: " + ", ".join(USAGE) + ".", width=99)


def help_text(topic: str | None = None) -> str:
    """The overview when `topic` is None (or no command), else that command's usage and examples."""
    topic = ALIASES.get(topic, topic) if topic is not None else None
    if topic is None or topic not in USAGE:
        return _overview()
    lines = [SUMMARY[topic], "", "Usage:", *("  " + line for line in USAGE[topic].splitlines())]
    aliases = [alias for alias, name in ALIASES.items() if name == topic]
    if aliases:
        lines += ["", "Also: " + ", ".join(f"okr {alias}" for alias in aliases)]
    lines += ["", "Examples:", *("  " + example for example in _EXAMPLES[topic])]
    return "\n".join(lines)


def _overview() -> str:
    lines = ["Run your OKRs from chat. Type okr followed by a command:"]
    width = max(len(name) for name in USAGE)
    for group, verbs in OVERVIEW:
        lines += ["", group]
        lines += [f"  okr {verb.name:<{width}}  {verb.summary}" for verb in verbs]
    lines += ["", 'Type "okr help <command>" for how to use one command, for example "okr help kr".']
    return "\n".join(lines)
