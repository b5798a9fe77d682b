"""The `/okr` grammar: the words after `/okr` (Slack) or after `okr` (Teams, console) -> a typed Command.

Pure text in, Command out, no I/O. Anything that is not a command raises UsageError with one line saying what
is wrong and the usage of the command that was meant. Each command has a small parse function below; `_VERBS`
maps the words people type (aliases included) to them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import NoReturn

from bot.commands.tokens import (
    CONFIDENCE_WORDS,
    Token,
    checkin_value_of,
    confidence_of,
    join_words,
    kr_kind_of,
    list_scope_of,
    looks_like_cycle,
    looks_like_quarter,
    mention_of,
    option_of,
    ref_of,
    tokenize,
)
from bot.commands.types import (
    Align,
    Archive,
    ChannelRef,
    CheckIn,
    Command,
    CompleteInitiative,
    ConfigCelebrate,
    ConfigCheckin,
    ConfigDigest,
    ConfigReminder,
    CycleClose,
    CycleList,
    Delete,
    Export,
    ExportFormat,
    Help,
    ListObjectives,
    ListScope,
    NewInitiative,
    NewKeyResult,
    NewObjective,
    Pause,
    Ref,
    RefKind,
    Rename,
    Resume,
    SetMyCheckin,
    SetOwner,
    Show,
    ShowConfig,
    ShowDigest,
    ShowSettings,
    TeamAdd,
    TeamCreate,
    UsageError,
    UserRef,
    WorkspaceDelete,
)
from bot.commands.usage import ALIASES, COMMANDS_HINT, USAGE
from bot.domain.enums import KRKind
from bot.domain.numbers import parse_number, unit_of
from bot.domain.schedules import Cadence, Slot, cadence_of, minute_of, weekday_of

_KIND_NAMES = {
    RefKind.OBJECTIVE: ("objective", "an objective", "O12"),
    RefKind.KEY_RESULT: ("key result", "a key result", "KR34"),
    RefKind.INITIATIVE: ("initiative", "an initiative", "I5"),
}
_ALIGN_WORDS = ("under", "to", "with")
_HELP_FLAGS = ("--help", "—help", "–help")


class _Options:
    """The options found among a command's words, by canonical name."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.flags: set[str] = set()

    def value(self, name: str) -> str | None:
        return self.values.get(name)

    def flag(self, name: str) -> bool:
        return name in self.flags


class _Args:
    """The words after the verb, consumed left to right by one command's parse function."""

    def __init__(self, name: str, tokens: list[Token]) -> None:
        self.name = name
        self.words = tokens

    def fail(self, message: str) -> NoReturn:
        raise UsageError(message, usage=USAGE[self.name], topic=self.name)

    def options(
        self, values: Iterable[str] = (), flags: Iterable[str] = (), aliases: dict[str, str] | None = None
    ) -> _Options:
        """Take every `--option` out of the words (they may appear anywhere) and check each one."""
        takes_value = dict.fromkeys(values, True) | dict.fromkeys(flags, False)
        aliases = aliases or {}
        found = _Options()
        words: list[Token] = []
        tokens = iter(self.words)
        for token in tokens:
            option = option_of(token)
            if option is None:
                words.append(token)
                continue
            typed, value = option
            name = aliases.get(typed, typed)
            if name not in takes_value:
                self._unknown_option(typed, [*takes_value, *aliases])
            if name in found.values or name in found.flags:
                self.fail(f"--{name} is given twice")
            if not takes_value[name]:
                if value is not None:
                    self.fail(f"--{name} takes no value")
                found.flags.add(name)
                continue
            if value is None:
                following = next(tokens, None)
                if following is None or option_of(following) is not None:
                    self.fail(f"--{name} needs a value")
                value = following.text
            found.values[name] = value
        self.words = words
        return found

    def _unknown_option(self, typed: str, known: list[str]) -> NoReturn:
        message = f'Unknown option --{typed} for "okr {self.name}"'
        close = difflib.get_close_matches(typed, known, n=1)
        self.fail(f"{message}. Did you mean --{close[0]}?" if close else message)

    def peek(self) -> Token | None:
        return self.words[0] if self.words else None

    def pop(self) -> Token | None:
        return self.words.pop(0) if self.words else None

    def peek_word(self) -> str:
        """The next word in lower case ('' at the end); quoted words are never keywords."""
        token = self.peek()
        return token.text.lower() if token is not None and not token.quoted else ""

    def rest(self) -> list[Token]:
        words, self.words = self.words, []
        return words

    def ref(self, *kinds: RefKind, needed_by: str = "") -> Ref:
        needed_by = needed_by or f'"okr {self.name}"'
        token = self.pop()
        if token is None:
            self.fail(f"{needed_by} needs {_kinds_text(kinds, 1)}, like {_kinds_text(kinds, 2)}")
        return self.check_ref(token.text, kinds, needed_by)

    def check_ref(self, text: str, kinds: tuple[RefKind, ...], needed_by: str) -> Ref:
        ref = ref_of(text)
        if ref is None:
            wanted, example = _kinds_text(kinds, 0), _kinds_text(kinds, 2)
            self.fail(f"{_shown(text)} is not {wanted} reference: write it like {example}")
        if ref.kind not in kinds:
            wrong, wanted, example = _KIND_NAMES[ref.kind][1], _kinds_text(kinds, 1), _kinds_text(kinds, 2)
            self.fail(f"{_shown(text)} is {wrong}, but {needed_by} needs {wanted}, like {example}")
        return ref

    def mention(self, text: str, example: str = "@jane") -> UserRef:
        user = mention_of(text)
        if user is None:
            self.fail(f"{_shown(text)} is not a mention: write it like {example}")
        return user

    def number(self, option: str, text: str | None) -> float | None:
        if text is None:
            return None
        number = parse_number(text)
        if number is None:
            self.fail(f"{_shown(text)} is not a number: write --{option} like 120, 40% or $1.2k")
        return number

    def cycle(self, text: str | None) -> str | None:
        if text is not None and not looks_like_cycle(text):
            self.fail(f"{_shown(text)} is not a cycle: write it like 2026-Q4")
        return text

    def title(self, missing: str) -> str:
        """All the remaining words as a title that must not be empty."""
        title = join_words(self.rest())
        if not title:
            self.fail(missing)
        return title

    def end(self) -> None:
        if self.words:
            self.fail(f'Unexpected {_shown(join_words(self.words))} in "okr {self.name}"')


def _shown(text: str) -> str:
    """What the person typed, quoted for a one-line message."""
    return f'"{_short(text)}"'


def _short(text: str, limit: int = 40) -> str:
    """Whitespace collapsed (a message stays one line) and long text cut short."""
    text = " ".join(text.split())
    return text[: limit - 1] + "…" if len(text) > limit else text


def _kinds_text(kinds: tuple[RefKind, ...], column: int) -> str:
    """`column` 0: "an objective or key result"; 1: "an objective or a key result"; 2: "O12 or KR34"."""
    words = [_KIND_NAMES[kind][column] for kind in kinds]
    text = " or ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
    if column == 0:
        return f"an {text}" if text[0] in "aeiou" else f"a {text}"
    return text


def parse(text: str) -> Command:
    """The command these words mean; raises UsageError when they mean none."""
    tokens = tokenize(text)
    while tokens and not tokens[0].quoted and tokens[0].text.lower() in ("okr", "/okr"):
        tokens.pop(0)
    if not tokens:
        return Help()
    verb = tokens[0].text.lower()
    if verb in (*_HELP_FLAGS, "-h", "?"):
        verb = "help"
    name = ALIASES.get(verb, verb)
    parser = _VERBS.get(name)
    if parser is None:
        _unknown_command(tokens[0].text)
    args = _Args(name, tokens[1:])
    if any(not token.quoted and token.text.lower() in _HELP_FLAGS for token in args.words):
        return Help(name)
    return parser(args)


def _unknown_command(verb: str) -> NoReturn:
    ref = ref_of(verb)
    if ref is not None and ref.kind is not RefKind.INITIATIVE:
        raise UsageError(
            f'Unknown command {_shown(verb)}. Did you mean "okr show {ref}"?', USAGE["show"], "show"
        )
    close = difflib.get_close_matches(verb.lower(), [*_VERBS, *ALIASES], n=1)
    if close:
        meant = ALIASES.get(close[0], close[0])
        raise UsageError(f'Unknown command {_shown(verb)}. Did you mean "{close[0]}"?', USAGE[meant], meant)
    raise UsageError(f'Unknown command {_shown(verb)}. Type "okr help" to see the commands.', COMMANDS_HINT)


def _parse_help(args: _Args) -> Command:
    args.options()
    token = args.pop()
    args.end()
    if token is None:
        return Help()
    topic = ALIASES.get(token.text.lower(), token.text.lower())
    if topic not in USAGE:
        close = difflib.get_close_matches(topic, list(USAGE), n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        args.fail(f"There is no command {_shown(token.text)}.{hint} Commands: {', '.join(USAGE)}")
    return Help(topic)


def _parse_list(args: _Args) -> Command:
    options = args.options(values=("cycle", "more"))
    scope: ListScope = ListScope.MINE
    team: str | None = None
    user: UserRef | None = None
    word = args.peek_word()
    if word == "at" and len(args.words) > 1 and args.words[1].text.lower() == "risk":  # "at risk"
        args.words[:2] = [Token("at-risk", "at-risk")]
        word = "at-risk"
    token = args.peek()
    if token is None or word == "cycle" or looks_like_quarter(token.text):
        pass
    elif (named := list_scope_of(word)) is not None:
        scope = named
        args.pop()
    elif word == "team":
        args.pop()
        scope, team = ListScope.TEAM, _list_team_name(args)
    elif (user := mention_of(token.text)) is not None:
        scope = ListScope.USER
        args.pop()
    else:
        args.fail(
            f"{_shown(token.text)} is not a list: use mine, team <name>, @user, company, all or at-risk"
        )
    cycle = options.value("cycle")
    if args.words and (args.peek_word() == "cycle" or looks_like_quarter(args.words[0].text)):
        if cycle is not None:
            args.fail("The cycle is given twice")
        if args.peek_word() == "cycle":
            args.pop()
        token = args.pop()
        if token is None:
            args.fail("cycle needs a value, like cycle 2026-Q4")
        cycle = token.text
    args.end()
    return ListObjectives(scope, team, user, args.cycle(cycle), _offset(args, options.value("more")))


def _list_team_name(args: _Args) -> str:
    words: list[Token] = []
    while args.words and args.peek_word() != "cycle" and not looks_like_quarter(args.words[0].text):
        words.append(args.words.pop(0))
    name = join_words(words)
    if not name:
        args.fail('"okr list team" needs the team\'s name, like okr list team Growth')
    return name


def _offset(args: _Args, text: str | None) -> int:
    if text is None:
        return 0
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        args.fail(f"{_shown(text)} is not a count: write --more like --more 10")
    return int(text)


def _parse_show(args: _Args) -> Command:
    options = args.options(flags=("share",))
    ref = args.ref(RefKind.OBJECTIVE, RefKind.KEY_RESULT)
    share = options.flag("share")
    if args.peek_word() == "share":
        args.pop()
        share = True
    args.end()
    return Show(ref, share)


def _parse_new(args: _Args) -> Command:
    options = args.options(values=("team", "parent", "cycle"), flags=("company", "aspirational", "private"))
    team = options.value("team")
    if team is not None and options.flag("company"):
        args.fail("Use either --team or --company, not both")
    if team is not None and not team.strip():
        args.fail('--team needs the team\'s name, like --team "Growth Marketing"')
    parent_text = options.value("parent")
    parent = None
    if parent_text is not None:
        parent = args.check_ref(parent_text, (RefKind.OBJECTIVE,), "--parent")
    return NewObjective(
        title=join_words(args.rest()) or None,
        team=" ".join(team.split()) if team is not None else None,
        company=options.flag("company"),
        parent=parent,
        aspirational=options.flag("aspirational"),
        private=options.flag("private"),
        cycle=args.cycle(options.value("cycle")),
    )


def _parse_kr(args: _Args) -> Command:
    options = args.options(
        values=("target", "start", "unit", "owner", "type", "weight"), aliases={"kind": "type"}
    )
    objective = args.ref(RefKind.OBJECTIVE)
    target_text, start_text = options.value("target"), options.value("start")
    target, start = args.number("target", target_text), args.number("start", start_text)
    unit = options.value("unit")
    if unit is not None and not unit.strip():
        args.fail("--unit needs a unit, like --unit customers")
    if unit is None:
        units = {unit_of(text) for text in (target_text, start_text) if text is not None} - {None}
        if len(units) > 1:
            args.fail("--start and --target carry different units: give one --unit")
        unit = units.pop() if units else None
    owner_text, kind_text = options.value("owner"), options.value("type")
    kind = None
    if kind_text is not None:
        kind = kr_kind_of(kind_text)
        if kind is None:
            args.fail(f"{_shown(kind_text)} is not a key result type: use {', '.join(KRKind)}")
    weight = args.number("weight", options.value("weight"))
    if weight is not None and weight <= 0:
        args.fail("--weight must be more than 0, like --weight 2")
    return NewKeyResult(
        objective=objective,
        title=join_words(args.rest()) or None,
        target=target,
        start=start,
        unit=" ".join(unit.split()) if unit is not None else None,
        owner=args.mention(owner_text, "--owner @jane") if owner_text is not None else None,
        kind=kind,
        weight=weight,
    )


def _parse_checkin(args: _Args) -> Command:
    options = args.options(values=("confidence",), flags=CONFIDENCE_WORDS)
    confidences = {CONFIDENCE_WORDS[name] for name in options.flags}
    typed = options.value("confidence")
    if typed is not None:
        confidence = confidence_of(typed)
        if confidence is None:
            args.fail(f"{_shown(typed)} is not a confidence: use on-track, at-risk or off-track")
        confidences.add(confidence)
    if len(confidences) > 1:
        args.fail("Give one confidence: on-track, at-risk or off-track")
    key_result = args.ref(RefKind.KEY_RESULT)
    value = None
    token = args.pop()
    if token is not None:
        value = checkin_value_of(token.text)
        if value is None:
            args.fail(f"{_shown(token.text)} is not a number: okr checkin {key_result} <value>")
    note = join_words(args.rest()) or None
    return CheckIn(key_result, value, confidences.pop() if confidences else None, note)


def _parse_initiative(args: _Args) -> Command:
    args.options()
    key_result = args.ref(RefKind.KEY_RESULT)
    return NewInitiative(
        key_result, args.title(f'"okr initiative {key_result}" needs the initiative\'s title')
    )


def _parse_done(args: _Args) -> Command:
    args.options()
    initiative = args.ref(RefKind.INITIATIVE)
    args.end()
    return CompleteInitiative(initiative)


def _parse_align(args: _Args) -> Command:
    args.options()
    child = args.ref(RefKind.OBJECTIVE)
    if args.peek_word() in _ALIGN_WORDS:
        args.pop()
    if not args.words:
        args.fail(f'"okr align {child}" needs the parent objective: okr align {child} under O3')
    parent = args.ref(RefKind.OBJECTIVE, needed_by=f'"okr align {child} under"')
    args.end()
    return Align(child, parent)


def _parse_owner(args: _Args) -> Command:
    args.options()
    ref = args.ref(RefKind.OBJECTIVE, RefKind.KEY_RESULT)
    token = args.pop()
    if token is None:
        args.fail(f'"okr owner {ref}" needs the new owner, like @jane')
    owner = args.mention(token.text)
    args.end()
    return SetOwner(ref, owner)


def _parse_rename(args: _Args) -> Command:
    args.options()
    ref = args.ref(RefKind.OBJECTIVE, RefKind.KEY_RESULT, RefKind.INITIATIVE)
    return Rename(ref, args.title(f'"okr rename {ref}" needs the new title'))


def _parse_archive(args: _Args) -> Command:
    args.options()
    objective = args.ref(RefKind.OBJECTIVE)
    args.end()
    return Archive(objective)


def _parse_delete(args: _Args) -> Command:
    options = args.options(flags=("yes",))
    objective = args.ref(RefKind.OBJECTIVE)
    args.end()
    return Delete(objective, options.flag("yes"))


def _parse_workspace(args: _Args) -> Command:
    options = args.options(flags=("yes",))
    action = args.pop()
    if action is None or action.text.lower() != "delete":
        args.fail('The one workspace command is "okr workspace delete"')
    args.end()
    return WorkspaceDelete(options.flag("yes"))


def _parse_cycle(args: _Args) -> Command:
    args.options()
    action = args.pop()
    if action is None or action.text.lower() == "list":
        args.end()
        return CycleList()
    if action.text.lower() != "close":
        args.fail(
            f'Unknown cycle command {_shown(action.text)}: use "okr cycle list" or "okr cycle close 2026-Q4"'
        )
    token = args.pop()
    if token is None:
        args.fail('"okr cycle close" needs the cycle, like okr cycle close 2026-Q4')
    args.end()
    args.cycle(token.text)
    return CycleClose(token.text)


def _parse_export(args: _Args) -> Command:
    args.options()
    token = args.pop()
    args.end()
    if token is None:
        return Export()
    formats = {fmt.value: fmt for fmt in ExportFormat}
    if token.text.lower() not in formats:
        args.fail(f"{_shown(token.text)} is not an export format: use csv or json")
    return Export(formats[token.text.lower()])


def _parse_team(args: _Args) -> Command:
    args.options()
    action = args.pop()
    if action is None:
        args.fail('"okr team" needs create or add, like okr team create Growth')
    if action.text.lower() not in ("create", "add"):
        args.fail(f'Unknown team command {_shown(action.text)}: use "okr team create" or "okr team add"')
    if action.text.lower() == "create":
        return TeamCreate(args.title('"okr team create" needs the team\'s name, like okr team create Growth'))
    words: list[Token] = []
    while args.words and mention_of(args.words[0].text) is None:
        words.append(args.words.pop(0))
    name = join_words(words)
    if not name:
        args.fail('"okr team add" needs the team\'s name before the people: okr team add Growth @jane')
    members: list[UserRef] = []
    for token in args.rest():
        if token.text.lower() not in (",", "and"):
            members.append(args.mention(token.text))
    if not members:
        args.fail(f'"okr team add {_short(name)}" needs at least one person, like @jane')
    return TeamAdd(name, tuple(members))


# -- coaching: settings, pause, config, digest ---------------------------------------------------------------

_OFF_WORDS = ("off", "none", "never", "stop", "disable")
_RESET_WORDS = ("default", "reset", "inherit")
_IDENTIFIED_CHANNEL = re.compile(r"#\{([^{}|]+)\|([^{}]*)\}")  # bot/invocation.py
_PLAIN_CHANNEL = re.compile(r"#([^\s#<>]+)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _slot(args: _Args, words: list[Token], *, weekly_only: bool = False) -> Slot:
    """`friday 15:00`, `15:00 fri every 2 weeks`, `monday 9am monthly` -> a Slot."""
    weekday: int | None = None
    minute: int | None = None
    rest: list[str] = []
    for token in words:
        day, clock = weekday_of(token.text), minute_of(token.text)
        if day is not None and weekday is None:
            weekday = day
        elif clock is not None and minute is None:
            minute = clock
        else:
            rest.append(token.text)
    if weekday is None:
        if rest:
            args.fail(f"{_shown(rest[0])} is not a day of the week: write it like friday 15:00")
        args.fail("Give the day, like friday 15:00")
    if minute is None:
        args.fail("Give the time on the 24-hour clock, like friday 15:00")
    cadence = Cadence.WEEKLY
    if rest:
        found = cadence_of(" ".join(rest))
        if found is None:
            args.fail(f"{_shown(' '.join(rest))} is not how often: use weekly, every 2 weeks or monthly")
        cadence = found
    if weekly_only and cadence is not Cadence.WEEKLY:
        args.fail("Digests are weekly: give just the day and time, like friday 16:00")
    return Slot(weekday, minute, cadence)


def _team_option(args: _Args, options: _Options) -> str | None:
    team = options.value("team")
    if team is not None and not team.strip():
        args.fail('--team needs the team\'s name, like --team "Growth Marketing"')
    return " ".join(team.split()) if team is not None else None


def _channel(args: _Args, token: Token | None) -> ChannelRef:
    if token is None:
        args.fail("Give the channel, like #wins, or here for this conversation")
    if token.text.lower() == "here":
        return ChannelRef(here=True)
    if match := _IDENTIFIED_CHANNEL.fullmatch(token.text):
        return ChannelRef(match[1], match[2].strip() or None)
    if match := _PLAIN_CHANNEL.fullmatch(token.text):
        return ChannelRef(None, match[1])
    args.fail(f"{_shown(token.text)} is not a channel: write it like #wins, or here for this conversation")


def _parse_settings(args: _Args) -> Command:
    args.options()
    what = args.pop()
    if what is None:
        return ShowSettings()
    if what.text.lower() not in ("checkin", "check-in", "checkins"):
        args.fail(f'Unknown setting {_shown(what.text)}: use "okr settings checkin friday 15:00"')
    word = args.peek_word()
    if word in _OFF_WORDS or word in _RESET_WORDS:
        args.pop()
        args.end()
        return SetMyCheckin(None, reset=word in _RESET_WORDS)
    if not args.words:
        args.fail('"okr settings checkin" needs a day and a time, like friday 15:00, or off')
    return SetMyCheckin(_slot(args, args.rest()))


def _parse_pause(args: _Args) -> Command:
    args.options()
    if args.peek_word() == "until":
        args.pop()
        if not args.words:
            args.fail('"okr pause until" needs a date, like 2026-12-24')
    token = args.pop()
    args.end()
    if token is None:
        return Pause(None)
    match = _ISO_DATE.fullmatch(token.text)
    try:
        if match is None:
            raise ValueError
        return Pause(date(int(match[1]), int(match[2]), int(match[3])))
    except ValueError:
        args.fail(f"{_shown(token.text)} is not a date: write it like 2026-12-24")


def _parse_resume(args: _Args) -> Command:
    args.options()
    args.end()
    return Resume()


def _parse_digest(args: _Args) -> Command:
    options = args.options(values=("team",))
    args.end()
    return ShowDigest(_team_option(args, options))


def _parse_config(args: _Args) -> Command:
    options = args.options(values=("team",))
    team = _team_option(args, options)
    what = args.pop()
    if what is None:
        if team is not None:
            args.fail("--team goes with checkin, celebrate or digest")
        return ShowConfig()
    name = what.text.lower()
    word = args.peek_word()
    off = word in _OFF_WORDS
    if name in ("checkin", "check-in", "checkins"):
        if off or word in _RESET_WORDS:
            args.pop()
            args.end()
            if word in _RESET_WORDS and team is None:
                args.fail('"default" goes with --team: okr config checkin default --team Growth')
            return ConfigCheckin(None, team, reset=word in _RESET_WORDS)
        if not args.words:
            args.fail('"okr config checkin" needs a day and a time, like monday 09:00, or off')
        return ConfigCheckin(_slot(args, args.rest()), team)
    if name in ("celebrate", "celebrations", "celebration"):
        if off:
            args.pop()
            args.end()
            return ConfigCelebrate(None, team)
        channel = _channel(args, args.pop())
        args.end()
        return ConfigCelebrate(channel, team)
    if name in ("digest", "digests"):
        if off:
            args.pop()
            args.end()
            return ConfigDigest(None, None, team)
        channel = _channel(args, args.pop())
        if not args.words:
            args.fail('"okr config digest" needs the day and time too, like #leads friday 16:00')
        return ConfigDigest(channel, _slot(args, args.rest(), weekly_only=True), team)
    if name in ("reminder", "reminders", "remind"):
        if team is not None:
            args.fail("Reminders are set for the whole workspace: leave out --team")
        token = args.pop()
        args.end()
        if token is None:
            args.fail('"okr config reminder" needs hours, like 24h, or off')
        if token.text.lower() in _OFF_WORDS:
            return ConfigReminder(None)
        digits = token.text.lower().removesuffix("hours").removesuffix("hour").removesuffix("h")
        if not digits.isascii() or not digits.isdigit() or not 1 <= int(digits) <= 7 * 24:
            args.fail(f"{_shown(token.text)} is not a number of hours from 1 to 168: write it like 24h")
        return ConfigReminder(int(digits))
    args.fail(f"Unknown setting {_shown(what.text)}: use checkin, celebrate, digest or reminder")


_VERBS: dict[str, Callable[[_Args], Command]] = {
    "help": _parse_help,
    "list": _parse_list,
    "show": _parse_show,
    "new": _parse_new,
    "kr": _parse_kr,
    "checkin": _parse_checkin,
    "initiative": _parse_initiative,
    "done": _parse_done,
    "align": _parse_align,
    "owner": _parse_owner,
    "rename": _parse_rename,
    "archive": _parse_archive,
    "delete": _parse_delete,
    "cycle": _parse_cycle,
    "export": _parse_export,
    "team": _parse_team,
    "workspace": _parse_workspace,
    "settings": _parse_settings,
    "pause": _parse_pause,
    "resume": _parse_resume,
    "digest": _parse_digest,
    "config": _parse_config,
}
