"""What `okr help` says: each command's usage, a one-sentence summary, and examples. Plain text only:
every platform shows these as they are (no Slack mrkdwn, no Markdown)."""

from __future__ import annotations

import textwrap

USAGE: dict[str, str] = {
    "help": "okr help [command]",
    "list": "okr list [mine | team <name> | @user | company | all | at-risk] [cycle 2026-Q4] [--more N]",
    "show": "okr show O12 | KR34 [share]",
    "new": (
        'okr new [title] [--team "<name>" | --company] [--parent O3] [--aspirational] [--private]\n'
        "        [--cycle 2027-Q1]"
    ),
    "kr": (
        "okr kr O12 [title] [--target N] [--start N] [--unit U] [--owner @user] [--weight N]\n"
        "       [--type increase|decrease|above|below|milestone]"
    ),
    "checkin": "okr checkin KR34 [value | done | not-done] [--confidence on-track|at-risk|off-track] [note]",
    "initiative": "okr initiative KR34 <title>",
    "done": "okr done I5",
    "align": "okr align O12 under O3",
    "owner": "okr owner O12 | KR34 @user",
    "rename": "okr rename O12 | KR34 | I5 <title>",
    "archive": "okr archive O12",
    "delete": "okr delete O12 [--yes]",
    "cycle": "okr cycle [list]\nokr cycle close 2026-Q4",
    "export": "okr export [csv | json]",
    "team": "okr team create <name>\nokr team add <name> @user [@user ...]",
    "workspace": "okr workspace delete [--yes]",
    "settings": "okr settings [checkin <day> <time> [weekly | every 2 weeks | monthly]]\nokr settings checkin off | default",
    "pause": "okr pause [until 2026-12-24]",
    "resume": "okr resume",
    "digest": "okr digest [--team <name>]",
    "config": (
        "okr config [checkin <day> <time> [every 2 weeks|monthly] | checkin off|default] [--team <name>]\n"
        "okr config celebrate|digest #channel|here|off [<day> <time>] [--team <name>] | reminder 24h|off"
    ),
}

SUMMARY: dict[str, str] = {
    "help": "Show this overview, or how to use one command.",
    "list": "List objectives: yours, a team's, someone's, the company's, or those at risk.",
    "show": "Show an objective or a key result with its progress.",
    "new": "Create an objective (with no title you get a form).",
    "kr": "Add a key result to an objective (with no title you get a form).",
    "checkin": "Record a key result's new value, your confidence and a note.",
    "initiative": "Add an initiative (a piece of work) to a key result.",
    "done": "Mark an initiative as done.",
    "align": "Align an objective under a parent objective.",
    "owner": "Give an objective or a key result a new owner.",
    "rename": "Rename an objective, a key result or an initiative.",
    "archive": "Archive an objective (it leaves the lists but is kept).",
    "delete": "Delete an objective for good, after you confirm.",
    "cycle": "List the OKR cycles, or close one.",
    "export": "Export the objectives and key results as CSV or JSON.",
    "team": "Create a team, or add people to one.",
    "workspace": "Delete all of this workspace's OKR data, after you confirm (admins only).",
    "settings": "Show or change when you are asked to check in.",
    "pause": "Pause your check-in prompts, say for a vacation.",
    "resume": "Get your check-in prompts again after a pause.",
    "digest": "Show the weekly digest now, only to you.",
    "config": "Admins: check-in defaults, celebration and digest channels, reminders.",
}

# Other words people type for a command; `okr help` names them under the command.
ALIASES: dict[str, str] = {"check-in": "checkin", "ci": "checkin"}

_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Objectives", ("list", "show", "new", "align", "owner", "rename", "archive", "delete")),
    ("Key results", ("kr", "initiative", "done")),
    ("Check-ins", ("checkin", "settings", "pause", "resume", "digest")),
    ("Teams & cycles", ("team", "cycle")),
    ("Other", ("config", "export", "workspace", "help")),
)

_EXAMPLES: dict[str, tuple[str, ...]] = {
    "help": ("okr help", "okr help checkin"),
    "list": ("okr list", "okr list team Growth Marketing cycle 2026-Q3", "okr list at-risk --more 10"),
    "show": ("okr show O12", "okr show KR34 share"),
    "new": (
        "okr new Delight our customers --team Support",
        'okr new "Win the enterprise market" --company --cycle 2027-Q1',
        "okr new",
    ),
    "kr": (
        "okr kr O12 Raise NPS to 40 --start 25 --target 40",
        "okr kr O12 Cut churn --start 5% --target 3% --type decrease --owner @jane",
        "okr kr O12 Launch the new pricing page --type milestone",
    ),
    "checkin": (
        "okr checkin KR34 32",
        "okr checkin KR34 45% --confidence at-risk waiting on legal review",
        "okr checkin KR35 done",
    ),
    "initiative": ("okr initiative KR34 Run a pricing survey",),
    "done": ("okr done I5",),
    "align": ("okr align O12 under O3",),
    "owner": ("okr owner KR34 @jane",),
    "rename": ("okr rename O12 Make onboarding effortless",),
    "archive": ("okr archive O12",),
    "delete": ("okr delete O12", "okr delete O12 --yes"),
    "cycle": ("okr cycle list", "okr cycle close 2026-Q4"),
    "export": ("okr export", "okr export json"),
    "team": ("okr team create Growth Marketing", "okr team add Growth Marketing @jane @omar"),
    "workspace": ("okr workspace delete",),
    "settings": (
        "okr settings",
        "okr settings checkin friday 15:00 every 2 weeks",
        "okr settings checkin off",
    ),
    "pause": ("okr pause until 2026-12-24", "okr pause"),
    "resume": ("okr resume",),
    "digest": ("okr digest", "okr digest --team Growth"),
    "config": (
        "okr config checkin friday 15:00 --team Growth",
        "okr config celebrate #wins",
        "okr config digest #leads friday 16:00",
    ),
}

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
    for group, names in _GROUPS:
        lines += ["", group]
        lines += [f"  okr {name:<{width}}  {SUMMARY[name]}" for name in names]
    lines += ["", 'Type "okr help <command>" for how to use one command, for example "okr help kr".']
    return "\n".join(lines)
