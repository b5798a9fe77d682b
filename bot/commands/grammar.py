"""The shared pieces of the `/okr` grammar: the reader every verb's parser consumes its words with.

Pure text in, typed values out, no I/O. The verbs themselves (their words, parsers and handlers) live in
bot/commands/verbs/; this module holds what several of them read the same way: options, references, mentions,
numbers, cycles, days and times, channels. Anything that does not fit raises UsageError with one line saying what
is wrong and the usage of the verb being parsed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import NoReturn

from bot.commands.tokens import (
    Token,
    join_words,
    looks_like_cycle,
    mention_of,
    option_of,
    ref_of,
)
from bot.commands.types import ChannelRef, Ref, RefKind, UsageError, UserRef
from bot.domain.numbers import parse_number
from bot.domain.schedules import Cadence, Slot, cadence_of, minute_of, weekday_of

_KIND_NAMES = {
    RefKind.OBJECTIVE: ("objective", "an objective", "O12"),
    RefKind.KEY_RESULT: ("key result", "a key result", "KR34"),
    RefKind.INITIATIVE: ("initiative", "an initiative", "I5"),
}
HELP_FLAGS = ("--help", "—help", "–help")  # what reads as a request for help, anywhere


class Options:
    """The options found among a command's words, by canonical name."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.flags: set[str] = set()

    def value(self, name: str) -> str | None:
        return self.values.get(name)

    def flag(self, name: str) -> bool:
        return name in self.flags


class Args:
    """The words after the verb, consumed left to right by one command's parse function."""

    def __init__(self, name: str, usage: str, tokens: list[Token]) -> None:
        self.name = name
        self.usage = usage
        self.words = tokens

    def fail(self, message: str) -> NoReturn:
        raise UsageError(message, usage=self.usage, topic=self.name)

    def options(
        self, values: Iterable[str] = (), flags: Iterable[str] = (), aliases: dict[str, str] | None = None
    ) -> Options:
        """Take every `--option` out of the words (they may appear anywhere) and check each one."""
        takes_value = dict.fromkeys(values, True) | dict.fromkeys(flags, False)
        aliases = aliases or {}
        found = Options()
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
            self.fail(f"{needed_by} needs {kinds_text(kinds, 1)}, like {kinds_text(kinds, 2)}")
        return self.check_ref(token.text, kinds, needed_by)

    def check_ref(self, text: str, kinds: tuple[RefKind, ...], needed_by: str) -> Ref:
        ref = ref_of(text)
        if ref is None:
            wanted, example = kinds_text(kinds, 0), kinds_text(kinds, 2)
            self.fail(f"{shown(text)} is not {wanted} reference: write it like {example}")
        if ref.kind not in kinds:
            wrong, wanted, example = _KIND_NAMES[ref.kind][1], kinds_text(kinds, 1), kinds_text(kinds, 2)
            self.fail(f"{shown(text)} is {wrong}, but {needed_by} needs {wanted}, like {example}")
        return ref

    def mention(self, text: str, example: str = "@jane") -> UserRef:
        user = mention_of(text)
        if user is None:
            self.fail(f"{shown(text)} is not a mention: write it like {example}")
        return user

    def number(self, option: str, text: str | None) -> float | None:
        if text is None:
            return None
        number = parse_number(text)
        if number is None:
            self.fail(f"{shown(text)} is not a number: write --{option} like 120, 40% or $1.2k")
        return number

    def cycle(self, text: str | None) -> str | None:
        if text is not None and not looks_like_cycle(text):
            self.fail(f"{shown(text)} is not a cycle: write it like 2026-Q4")
        return text

    def title(self, missing: str) -> str:
        """All the remaining words as a title that must not be empty."""
        title = join_words(self.rest())
        if not title:
            self.fail(missing)
        return title

    def end(self) -> None:
        if self.words:
            self.fail(f'Unexpected {shown(join_words(self.words))} in "okr {self.name}"')


def shown(text: str) -> str:
    """What the person typed, quoted for a one-line message."""
    return f'"{short(text)}"'


def short(text: str, limit: int = 40) -> str:
    """Whitespace collapsed (a message stays one line) and long text cut short."""
    text = " ".join(text.split())
    return text[: limit - 1] + "…" if len(text) > limit else text


def kinds_text(kinds: tuple[RefKind, ...], column: int) -> str:
    """`column` 0: "an objective or key result"; 1: "an objective or a key result"; 2: "O12 or KR34"."""
    words = [_KIND_NAMES[kind][column] for kind in kinds]
    text = " or ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
    if column == 0:
        return f"an {text}" if text[0] in "aeiou" else f"a {text}"
    return text


# -- days, times and channels: the coaching verbs' shared words ------------------------------------------------

OFF_WORDS = ("off", "none", "never", "stop", "disable")
RESET_WORDS = ("default", "reset", "inherit")
_IDENTIFIED_CHANNEL = re.compile(r"#\{([^{}|]+)\|([^{}]*)\}")  # bot/invocation.py
_PLAIN_CHANNEL = re.compile(r"#([^\s#<>]+)")


def slot(args: Args, words: list[Token], *, weekly_only: bool = False) -> Slot:
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
            args.fail(f"{shown(rest[0])} is not a day of the week: write it like friday 15:00")
        args.fail("Give the day, like friday 15:00")
    if minute is None:
        args.fail("Give the time on the 24-hour clock, like friday 15:00")
    cadence = Cadence.WEEKLY
    if rest:
        found = cadence_of(" ".join(rest))
        if found is None:
            args.fail(f"{shown(' '.join(rest))} is not how often: use weekly, every 2 weeks or monthly")
        cadence = found
    if weekly_only and cadence is not Cadence.WEEKLY:
        args.fail("Digests are weekly: give just the day and time, like friday 16:00")
    return Slot(weekday, minute, cadence)


def team_option(args: Args, options: Options) -> str | None:
    team = options.value("team")
    if team is not None and not team.strip():
        args.fail('--team needs the team\'s name, like --team "Growth Marketing"')
    return " ".join(team.split()) if team is not None else None


def channel(args: Args, token: Token | None) -> ChannelRef:
    if token is None:
        args.fail("Give the channel, like #wins, or here for this conversation")
    if token.text.lower() == "here":
        return ChannelRef(here=True)
    if match := _IDENTIFIED_CHANNEL.fullmatch(token.text):
        return ChannelRef(match[1], match[2].strip() or None)
    if match := _PLAIN_CHANNEL.fullmatch(token.text):
        return ChannelRef(None, match[1])
    args.fail(f"{shown(token.text)} is not a channel: write it like #wins, or here for this conversation")
