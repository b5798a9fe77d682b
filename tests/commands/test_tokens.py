"""The tokenizer and the single-word readers behind the grammar."""

from __future__ import annotations

import pytest

from bot.commands.tokens import (
    Token,
    checkin_value_of,
    confidence_of,
    join_words,
    looks_like_cycle,
    mention_of,
    option_of,
    ref_of,
    tokenize,
)
from bot.commands.types import Ref, RefKind, UserRef
from bot.domain.enums import Confidence


def texts(text: str) -> list[str]:
    return [token.text for token in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("  a \t b\n c  ", ["a", "b", "c"]),
        ("customers' happiness", ["customers'", "happiness"]),
        ('say "hello world" now', ["say", "hello world", "now"]),
        ("say “hello world” now", ["say", "hello world", "now"]),
        ('say "hello world', ["say", '"hello', "world"]),
        ('say hello" world', ["say", 'hello"', "world"]),
        ('""', [""]),
        ('"a"b', ["a", "b"]),
        ("@{U123ABC|Jane Doe} x", ["@{U123ABC|Jane Doe}", "x"]),
        ("#{C123|general chat}", ["#{C123|general chat}"]),
        ("<https://example.com|our site>", ["<https://example.com|our site>"]),
        ("@{|Jane Doe} ok", ["@{|Jane Doe}", "ok"]),
        ("@{|Jane}", ["@{|Jane}"]),
        ("<200ms and > 1%", ["<200ms", "and", ">", "1%"]),
        ("<@U1 never closed", ["<@U1", "never", "closed"]),
        ('--team="Growth Marketing" x', ["--team=Growth Marketing", "x"]),
        ("—team=“Growth Marketing”", ["—team=Growth Marketing"]),
        ("--owner=@{U1|Jane Doe}", ["--owner=@{U1|Jane Doe}"]),
        ('--team="unclosed value', ['--team="unclosed', "value"]),
    ],
)
def test_tokenize(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_quoted_tokens_remember_their_quotes() -> None:
    assert tokenize("a “b c”") == [Token("a", "a"), Token("b c", "“b c”", quoted=True)]


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (Token("--target", "--target"), ("target", None)),
        (Token("--Target=40%", "--Target=40%"), ("target", "40%")),
        (Token("—on_track", "—on_track"), ("on-track", None)),
        (Token("–weight=", "–weight="), ("weight", "")),
        (Token("--", "--"), None),
        (Token("-5", "-5"), None),
        (Token("--5", "--5"), None),
        (Token("—", "—"), None),
        (Token("--team", '"--team"', quoted=True), None),
    ],
)
def test_option_of(token: Token, expected: tuple[str, str | None] | None) -> None:
    assert option_of(token) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("O12", Ref(RefKind.OBJECTIVE, 12)),
        ("o12", Ref(RefKind.OBJECTIVE, 12)),
        ("#KR34", Ref(RefKind.KEY_RESULT, 34)),
        ("kR034", Ref(RefKind.KEY_RESULT, 34)),
        ("I5", Ref(RefKind.INITIATIVE, 5)),
        ("I2147483647", Ref(RefKind.INITIATIVE, 2_147_483_647)),
        ("I2147483648", None),
        ("O0", None),
        ("O" + "9" * 5000, None),
        ("KR3x", None),
        ("K3", None),
        ("##O1", None),
        ("O١٢", None),
        ("O-1", None),
    ],
)
def test_ref_of(text: str, expected: Ref | None) -> None:
    assert ref_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@{U123ABC|}", UserRef("U123ABC", None)),
        ("@{U123ABC|jane}", UserRef("U123ABC", "jane")),
        ("@{U123ABC|Jane Doe}", UserRef("U123ABC", "Jane Doe")),
        ("@{U123ABC|}", UserRef("U123ABC", None)),
        ("@jane", UserRef(None, "jane")),
        ("@jane.doe,", UserRef(None, "jane.doe")),
        ("@{|Jane  Doe}", UserRef(None, "Jane Doe")),
        ("@{| }", None),
        ("@", None),
        ("jane", None),
        ("#{C123|general}", None),
        ("email@example.com", None),
    ],
)
def test_mention_of(text: str, expected: UserRef | None) -> None:
    assert mention_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[("2026-Q4", True), ("2026q4", True), ("Q4-2026", True), ("2026", True), ("2026-H1", True)],
        *[("2026-Q5", False), ("26-Q4", False), ("next", False), ("2026-Q4x", False)],
    ],
)
def test_looks_like_cycle(text: str, expected: bool) -> None:
    assert looks_like_cycle(text) is expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("on-track", Confidence.ON_TRACK),
        ("ON_TRACK", Confidence.ON_TRACK),
        ("green", Confidence.ON_TRACK),
        ("amber", Confidence.AT_RISK),
        ("Yellow", Confidence.AT_RISK),
        ("red", Confidence.OFF_TRACK),
        ("offtrack", Confidence.OFF_TRACK),
        ("blue", None),
    ],
)
def test_confidence_of(word: str, expected: Confidence | None) -> None:
    assert confidence_of(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("done", 1.0), ("YES", 1.0), ("not_done", 0.0), ("no", 0.0), ("1,200", 1200.0), ("maybe", None)],
)
def test_checkin_value_of(word: str, expected: float | None) -> None:
    assert checkin_value_of(word) == expected


def test_join_words_unquotes_a_wholly_quoted_text_only() -> None:
    assert join_words(tokenize('"Grow  revenue"')) == "Grow revenue"
    assert join_words(tokenize('Launch "Project  X"')) == 'Launch "Project X"'
    assert join_words([]) == ""
