"""Read a key result's measure from its title: "Increase NPS from 30 to 50" says kind, start, target, unit.

The reading is a best guess that fills in what the person did not type; anything it cannot tell stays None.
It works in three steps:
1. find the numbers in the title, leaving out years, quarters, dates, versions and ordinals;
2. pick the number that is the target from the words around it ("from X to Y", "above Y", "to Y", ...);
3. take the kind from those words and from the verb, and the unit from the number or the words near it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from bot.domain.enums import KRKind
from bot.domain.numbers import parse_number, unit_of


@dataclass(frozen=True)
class TitleMeasure:
    kind: KRKind | None = None
    start: float | None = None
    target: float | None = None
    unit: str | None = None


# --- Step 1: numbers ------------------------------------------------------------------------------

# A number as people write it in a goal: -2, 1,200, 99.9%, $1.2k, 3.5M, 300ms, 10x.
_NUMBER = re.compile(
    r"""
    (?P<sign>(?<![^\s(])[-−+])?              # a sign, only at the start of a word
    (?<![\w.,:/])                           # not the tail of a word or a number: v2, p99, Q3, 1.2.3
    (?P<body>
        [$€£¥]?                             # a currency sign
        (?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?  # digits, with thousands separators and decimals
        (?:[kKmMbB](?![A-Za-z]))?           # a scale: k, M, B (but not the m of "ms")
        (?:\s?%)?                           # a percentage
    )
    (?P<suffix>[A-Za-z]{1,5})?              # a unit glued to the number: ms, s, h, d, x, GB
    (?!\w|[.,:/]\d)                         # the number ends here: not 1.2.3, 9:30, 24/7, 12abc
    (?!-[A-Za-z])                           # and is not an adjective such as "3-day" or "2026-Q4"
    """,
    re.VERBOSE,
)

_ORDINAL_SUFFIXES = {"st", "nd", "rd", "th"}
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# A four-digit number is a year when time words lead to it ("by 2027", "Q3 2026", "end of 2026")...
_BEFORE_YEAR = re.compile(
    rf"\b(?:by|in|before|until|till|after|since|of|during|through|end|eoy"
    rf"|q[1-4]|h[12]|fy|{_MONTHS})\s*[-/,]?\s*$",
    re.IGNORECASE,
)
# ...or a quarter or half follows it ("2026 Q3", "2026/H1").
_AFTER_YEAR = re.compile(r"^\s*[-/]?\s*(?:q[1-4]|h[12])\b", re.IGNORECASE)
# A day of the month sits next to a month's name: "March 31", "31 March".
_BEFORE_DAY = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.IGNORECASE)
_AFTER_DAY = re.compile(rf"^\s*(?:{_MONTHS})\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Number:
    value: float
    unit: str | None  # "%", a currency sign, or a suffix glued to the number
    start: int  # where the number is in the title
    end: int


def _is_year(title: str, match: re.Match[str]) -> bool:
    body = match["body"]
    if not (re.fullmatch(r"\d{4}", body) and 1900 <= int(body) <= 2199) or match["sign"] or match["suffix"]:
        return False
    after = title[match.end() :]
    if _AFTER_YEAR.match(after):
        return True
    # ...and no unit follows it: "in 2000 stores" counts stores.
    counted = re.match(r"\s+([A-Za-z]+)", after)
    if counted is not None and counted[1].lower() not in _STOP_WORDS:
        return False
    return bool(_BEFORE_YEAR.search(title[: match.start()]))


def _is_day_of_month(title: str, match: re.Match[str]) -> bool:
    body = match["body"]
    if not (re.fullmatch(r"\d{1,2}", body) and 1 <= int(body) <= 31) or match["suffix"]:
        return False
    return bool(_BEFORE_DAY.search(title[: match.start()]) or _AFTER_DAY.match(title[match.end() :]))


def _numbers(title: str) -> list[_Number]:
    """The numbers in `title` that could be a start or a target."""
    found: list[_Number] = []
    for match in _NUMBER.finditer(title):
        suffix = match["suffix"]
        if suffix and suffix.lower() in _ORDINAL_SUFFIXES:
            continue  # "3rd": a rank, not an amount
        if _is_year(title, match) or _is_day_of_month(title, match):
            continue
        text = (match["sign"] or "") + match["body"]
        value = parse_number(text)
        if value is None:
            continue
        found.append(_Number(value, unit_of(text) or suffix, match.start(), match.end()))
    return found


# --- Step 2: which number is the target -------------------------------------------------------------

# The words right before a number that say what it is.
_FROM = re.compile(r"\bfrom\s*$", re.IGNORECASE)
_TO = re.compile(r"\bto\s*$", re.IGNORECASE)
_RANGE_TO = re.compile(r"^\s*(?:to|->|→)\s*$", re.IGNORECASE)  # between the numbers of "from X to Y"
_RANGE_FROM = re.compile(r"^\s*from\s*$", re.IGNORECASE)  # between the numbers of "to Y from X"
# "by 20%" is a change relative to a value the title does not give, so it is not a target.
_BY = re.compile(r"\bby\s*$", re.IGNORECASE)
# Threshold words that make a kept level (ABOVE / BELOW) unless the verb says to move the value.
_STRONG_THRESHOLD = re.compile(
    r"(?P<word>\bat\s+or\s+above|\bat\s+or\s+below|\babove|\bbelow|\bunder|>=|<=|[≥≤<>])\s*$",
    re.IGNORECASE,
)
# Threshold words that make a kept level only with a verb such as "keep" ("sign at least 10 logos" is
# a count to reach).
_WEAK_THRESHOLD = re.compile(
    r"(?P<word>\bat\s+least|\bno\s+less\s+than|\bmore\s+than|\bover"
    r"|\bat\s+most|\bno\s+more\s+than|\bless\s+than|\bfewer\s+than)\s*$",
    re.IGNORECASE,
)
_BELOW_WORDS = {
    "at or below",
    "below",
    "under",
    "<=",
    "≤",
    "<",
    "at most",
    "no more than",
    "less than",
    "fewer than",
}


def _threshold_kind(words: str) -> KRKind:
    return KRKind.BELOW if " ".join(words.lower().split()) in _BELOW_WORDS else KRKind.ABOVE


# --- Step 3: kind and unit ----------------------------------------------------------------------------

_INCREASE_VERBS = {
    "increase", "grow", "raise", "boost", "improve", "reach", "hit", "achieve", "double", "triple",
    "expand", "lift", "scale", "attain", "exceed", "maximize", "maximise", "accelerate",
}  # fmt: skip
_DECREASE_VERBS = {
    "reduce", "decrease", "cut", "lower", "drop", "shrink", "minimize", "minimise", "halve",
    "trim", "slash", "eliminate",
}  # fmt: skip
_KEEP_VERBS = {"keep", "stay", "maintain", "hold", "remain", "sustain", "preserve"}

# Words that end a unit read from the title: "Hire 3 engineers *by* June" -> "engineers".
_STOP_WORDS = {
    "by", "in", "before", "per", "for", "with", "to", "from", "and", "or", "at", "on", "within",
    "until", "till", "across", "during", "each", "every", "than", "via", "through", "while",
    "without", "above", "below", "under", "over", "after", "since", "vs", "this", "next", "so",
}  # fmt: skip
_LEADING_WORDS = {"the", "our", "a", "an", "my", "your", "their", "its", "all"}
_MAX_UNIT_WORDS = 4
# A label some people put before a title: "KR1: ", "2) ".
_LABEL = re.compile(r"^(?:kr\s*\d*|\d+)\s*[:.)]\s*", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][\w'&-]*")
_PUNCTUATION = re.compile(r"[,;:.!?()\[\]{}\"]")


def _first_word(title: str) -> tuple[str, int]:
    """The title's first word, lowercased, and where the text after it begins."""
    match = _WORD.search(title)
    if match is None:
        return "", 0
    return match.group().lower(), match.end()


def _verb_kind(verb: str) -> KRKind | None:
    if verb in _INCREASE_VERBS:
        return KRKind.INCREASE
    if verb in _DECREASE_VERBS:
        return KRKind.DECREASE
    return None


def _unit_phrase(text: str, *, strip_leading: bool) -> str | None:
    """A short unit from the start of `text`: its words up to a stop word or punctuation, at most four."""
    text = _PUNCTUATION.split(text, maxsplit=1)[0]
    words: list[str] = []
    for word in text.split():
        if word.lower() in _STOP_WORDS or not _WORD.fullmatch(word):
            break
        words.append(word)
    while strip_leading and words and words[0].lower() in _LEADING_WORDS:
        words.pop(0)
    if not words or len(words) > _MAX_UNIT_WORDS:
        return None
    return " ".join(words)


def _words_after(title: str, number: _Number) -> str | None:
    """The unit written after a number: "Reach 200 *paying customers* by June"."""
    rest = title[number.end :]
    if not rest[:1].isspace():
        return None
    return _unit_phrase(rest, strip_leading=False)


def _words_before(title: str, verb_end: int, until: int) -> str | None:
    """The unit written between the verb and the number's lead-in: "Increase *NPS* from 30 to 50"."""
    if verb_end >= until:
        return None
    phrase = title[verb_end:until]
    return _unit_phrase(phrase, strip_leading=True)


def _lead_in_start(title: str, number: _Number) -> int:
    """Where the words leading to a number ("from", "to", "at or above") begin."""
    before = title[: number.start]
    for pattern in (_FROM, _TO, _STRONG_THRESHOLD, _WEAK_THRESHOLD, _BY):
        match = pattern.search(before)
        if match is not None:
            return match.start()
    return number.start


def measure_from_title(title: str) -> TitleMeasure:
    """What a key result's title says about its measure; all None when it names no target."""
    title = _LABEL.sub("", " ".join(title.split()))
    numbers = _numbers(title)
    if not numbers:
        return TitleMeasure()
    verb, verb_end = _first_word(title)
    verb_kind = _verb_kind(verb)
    keeps = verb in _KEEP_VERBS
    # Titles start with a verb ("Move NPS to 50"), unless they start with an acronym ("NPS from 30 to 50"):
    # a unit written before the numbers begins after the verb.
    opening = title.split()[0]
    phrase_from = 0 if len(opening) > 1 and opening.isalpha() and opening.isupper() else verb_end

    def before(number: _Number) -> str:
        return title[: number.start]

    # "from X to Y" (or "to Y from X"): both start and target.
    for first, second in pairwise(numbers):
        between = title[first.end : second.start]
        if _FROM.search(before(first)) and _RANGE_TO.match(between):
            start, target = first, second
        elif _TO.search(before(first)) and _RANGE_FROM.match(between):
            start, target = second, first
        else:
            continue
        if target.value > start.value:
            kind = KRKind.INCREASE
        elif target.value < start.value:
            kind = KRKind.DECREASE
        else:
            kind = verb_kind or KRKind.INCREASE
        unit = (
            start.unit
            or target.unit
            or _words_before(title, phrase_from, _lead_in_start(title, first))
            or _words_after(title, second)
        )
        return TitleMeasure(kind, start.value, target.value, unit)

    # A threshold: "above 99.9%", "under 2%", "at least 10".
    for number in numbers:
        strong = _STRONG_THRESHOLD.search(before(number))
        weak = _WEAK_THRESHOLD.search(before(number))
        if strong is not None and verb_kind is None:
            kind = _threshold_kind(strong["word"])
        elif weak is not None and keeps:
            kind = _threshold_kind(weak["word"])
        elif strong is not None or weak is not None:
            kind = verb_kind or KRKind.INCREASE
        else:
            continue
        return _single_target(title, number, kind, phrase_from)

    # "to Y": "Grow MRR to $100k", "Reduce p99 latency to 300ms".
    for number in numbers:
        if _TO.search(before(number)):
            return _single_target(title, number, verb_kind or KRKind.INCREASE, phrase_from)

    # Any other number: "Hire 3 engineers", "Maintain 99.9% uptime". Not a relative change ("by 20%"),
    # nor a start without a target ("from 30").
    for number in numbers:
        if _BY.search(before(number)) or _FROM.search(before(number)):
            continue
        kind = KRKind.ABOVE if keeps else verb_kind or KRKind.INCREASE
        return _single_target(title, number, kind, phrase_from)
    return TitleMeasure()


def _single_target(title: str, number: _Number, kind: KRKind, phrase_from: int) -> TitleMeasure:
    unit = (
        number.unit
        or _words_after(title, number)
        or _words_before(title, phrase_from, _lead_in_start(title, number))
    )
    return TitleMeasure(kind=kind, target=number.value, unit=unit)
