"""Chat text -> tokens, and what a single token can mean (an option, a reference, a mention, a cycle).

Not `shlex`: titles carry apostrophes ("customers' happiness"), chat apps turn quotes into smart quotes and
`--` into an em dash, and a mention (`@{U1|Jane Doe}`, the neutral form adapters write, bot/invocation.py) has
spaces inside. Nothing here ever fails: text that does not fit a rule is just a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands.types import ListScope, Ref, RefKind, UserRef
from bot.domain.enums import Confidence, KRKind
from bot.domain.numbers import parse_number

QUOTES = '"“”„'
_CLOSING_QUOTES = '"“”'
# A person or a channel the platform identified: `@{id|name}`, `#{id|name}` (either part may be empty). The
# classes stop at the next brace, so a match never runs past the following mention: linear on any input.
_IDENTIFIED = re.compile(r"[@#]\{[^{}|]*\|[^{}]*\}")
# A link in angle brackets, `<https://...|label>` (the label may have spaces); a lone `<` is a word, so
# "latency <200ms and errors > 1%" stays words.
_LINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*:[^<>]*>")
_OPTION_EQUALS = re.compile(r"(?:--|[—–])[A-Za-z][A-Za-z0-9_-]*=")
_OPTION = re.compile(r"(?:--|[—–])([A-Za-z][A-Za-z0-9_-]*)(?:=(.*))?", re.DOTALL)

_REF = re.compile(r"#?(KR|O|I)([0-9]{1,10})", re.IGNORECASE)
MAX_REF_NUMBER = 2_147_483_647
_MENTION = re.compile(r"@\{([^{}|]*)\|([^{}]*)\}")
_AT_NAME = re.compile(r"@([^\s@<>]+)")
# Loose on purpose: the core validates the cycle; this only tells a cycle from a word.
_CYCLE = re.compile(r"[0-9]{4}(?:[-_/.]?[QqHh][1-4])?|[QqHh][1-4][-_/.]?[0-9]{4}")
_QUARTER = re.compile(r"[0-9]{4}[-_/.]?[QqHh][1-4]|[QqHh][1-4][-_/.]?[0-9]{4}")


@dataclass(frozen=True)
class Token:
    text: str  # what the token means: without its quotes
    raw: str  # as typed, quotes included
    quoted: bool = False


def tokenize(text: str) -> list[Token]:
    """Whitespace-separated words; a double-quoted run and an `@{...}` / `#{...}` mention are one token each."""
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        token, i = _read_token(text, i)
        tokens.append(token)
    return tokens


def _read_token(text: str, start: int) -> tuple[Token, int]:
    if text[start] in QUOTES:
        close = _closing_quote(text, start + 1)
        if close is not None:  # an unbalanced quote is an ordinary character
            return Token(text[start + 1 : close], text[start : close + 1], quoted=True), close + 1
    bracketed = _IDENTIFIED.match(text, start) or _LINK.match(text, start)
    if bracketed:
        return Token(bracketed.group(), bracketed.group()), bracketed.end()
    option = _OPTION_EQUALS.match(text, start)
    if option and text.startswith(tuple(QUOTES), option.end()):  # --team="Growth Marketing"
        close = _closing_quote(text, option.end() + 1)
        if close is not None:
            value = text[option.end() + 1 : close]
            return Token(option.group() + value, text[start : close + 1]), close + 1
    if option and (mention := _IDENTIFIED.match(text, option.end())):  # --owner=@{U1|Jane Doe}
        return Token(text[start : mention.end()], text[start : mention.end()]), mention.end()
    end = start
    while end < len(text) and not text[end].isspace():
        end += 1
    return Token(text[start:end], text[start:end]), end


def _closing_quote(text: str, start: int) -> int | None:
    for i in range(start, len(text)):
        if text[i] in _CLOSING_QUOTES:
            return i
    return None


def option_of(token: Token) -> tuple[str, str | None] | None:
    """`--name` / `—name` / `--name=value` -> (name, value or None); None when the token is no option."""
    if token.quoted:
        return None
    match = _OPTION.fullmatch(token.text)
    if match is None:
        return None
    return match[1].lower().replace("_", "-"), match[2]


def ref_of(text: str) -> Ref | None:
    """`O12`, `kr34`, `#I5` -> a Ref; None for anything else, including numbers out of range."""
    match = _REF.fullmatch(text)
    if match is None:
        return None
    number = int(match[2])
    if not 1 <= number <= MAX_REF_NUMBER:
        return None
    return Ref(RefKind(match[1].upper()), number)


def mention_of(text: str) -> UserRef | None:
    """`@{U123|}`, `@{U123|jane}`, `@{|Jane Doe}` (bot/invocation.py), `@jane` -> a UserRef; None for anything
    else. A name without an id is all the platform said: its spaces are tidied, and an empty one is no one."""
    if match := _MENTION.fullmatch(text):
        if match[1]:
            return UserRef(match[1], match[2].strip() or None)
        name = " ".join(match[2].split())
        return UserRef(None, name) if name else None
    if match := _AT_NAME.fullmatch(text.rstrip(",;")):
        return UserRef(None, match[1])
    return None


def looks_like_cycle(text: str) -> bool:
    """`2026-Q4`, `2026q4`, `Q4-2026`, `2026`: something the core can try to read as a cycle."""
    return _CYCLE.fullmatch(text) is not None


def looks_like_quarter(text: str) -> bool:
    """Stricter than `looks_like_cycle` (no bare year): used where a cycle may appear without `cycle`."""
    return _QUARTER.fullmatch(text) is not None


def join_words(tokens: list[Token]) -> str:
    """Free words as one text: single spaces; a text that was quoted as a whole loses its quotes."""
    if len(tokens) == 1:
        return " ".join(tokens[0].text.split())
    return " ".join(" ".join(token.raw.split()) for token in tokens)


LIST_SCOPE_WORDS = {
    "mine": ListScope.MINE,
    "me": ListScope.MINE,
    "my": ListScope.MINE,
    "company": ListScope.COMPANY,
    "all": ListScope.ALL,
    "at-risk": ListScope.AT_RISK,
    "atrisk": ListScope.AT_RISK,
}
# Also the names of the checkin flags: `--on-track`, `--green`, ...
CONFIDENCE_WORDS = {
    "on-track": Confidence.ON_TRACK,
    "ontrack": Confidence.ON_TRACK,
    "green": Confidence.ON_TRACK,
    "at-risk": Confidence.AT_RISK,
    "atrisk": Confidence.AT_RISK,
    "yellow": Confidence.AT_RISK,
    "amber": Confidence.AT_RISK,
    "off-track": Confidence.OFF_TRACK,
    "offtrack": Confidence.OFF_TRACK,
    "red": Confidence.OFF_TRACK,
}
# What a milestone check-in can say instead of 1 or 0.
MILESTONE_WORDS = {
    "done": 1.0,
    "yes": 1.0,
    "complete": 1.0,
    "completed": 1.0,
    "not-done": 0.0,
    "notdone": 0.0,
    "no": 0.0,
    "undone": 0.0,
}


def _normal(word: str) -> str:
    return word.lower().replace("_", "-")


def list_scope_of(word: str) -> ListScope | None:
    return LIST_SCOPE_WORDS.get(_normal(word))


def confidence_of(word: str) -> Confidence | None:
    """`on-track`, `on_track`, `ontrack`, `green` -> ON_TRACK; at-risk (yellow, amber); off-track (red)."""
    return CONFIDENCE_WORDS.get(_normal(word))


def kr_kind_of(word: str) -> KRKind | None:
    normal = _normal(word)
    return next((kind for kind in KRKind if kind.value == normal), None)


def checkin_value_of(word: str) -> float | None:
    """A number, or `done` / `yes` (1) and `not-done` / `no` (0) for a milestone."""
    milestone = MILESTONE_WORDS.get(_normal(word))
    return milestone if milestone is not None else parse_number(word)
