"""The registry of verbs: each typed command has one verb, every button stands for a typed command, and one
rule reads a reference wherever it comes from (typed words, a button's payload, a form's field)."""

from __future__ import annotations

from typing import get_args

import pytest

from bot.commands.interactions import FieldErrors, command_from_form, command_from_press
from bot.commands.parser import UNKNOWN_VERB, read_words
from bot.commands.registry import BY_WORD, VERBS, verb_of
from bot.commands.tokens import MAX_REF_NUMBER, ref_of
from bot.commands.types import Command, Ref, RefKind
from bot.views.actions import (
    ACTION_PAYLOADS,
    ActionId,
    BadPayload,
    FormId,
    KeyResultPayload,
    NoPayload,
    ObjectivePayload,
    Payload,
    SharePayload,
    ShowMorePayload,
)


def test_every_typed_command_belongs_to_exactly_one_verb() -> None:
    claimed = [kind for verb in VERBS for kind in verb.commands]
    assert sorted(kind.__name__ for kind in claimed) == sorted(kind.__name__ for kind in get_args(Command))


def test_names_and_aliases_are_unique_lower_case_words() -> None:
    words = [word for verb in VERBS for word in (verb.name, *verb.aliases)]
    assert len(words) == len(set(words)) == len(BY_WORD)
    assert all(word == word.lower() and " " not in word for word in words)


@pytest.mark.parametrize(
    ("text", "name", "read_only"),
    [
        ("list", "list", True),
        ("show O1", "show", True),
        ("show O1 share", "show", False),
        ("help kr", "help", True),
        ("checkin KR1 4", "checkin", False),
        ("ci KR1 4 --help", "checkin", True),  # asking for help is help, named by the verb typed
        ("checkin O1 4", "checkin", False),  # a mistake still names its verb
        ("launch the rocket", UNKNOWN_VERB, False),
    ],
)
def test_words_are_read_once_into_a_name_a_command_and_whether_it_only_reads(
    text: str, name: str, read_only: bool
) -> None:
    parsed = read_words(text)
    assert parsed.name == name
    command = parsed.command
    assert (parsed.error is None) == (command is not None)
    assert (command is not None and verb_of(command).read_only(command)) == read_only


_EXAMPLE_PAYLOADS: dict[type[Payload], Payload] = {
    ObjectivePayload: ObjectivePayload(o=3),
    KeyResultPayload: KeyResultPayload(kr=4),
    NoPayload: NoPayload(),
    SharePayload: SharePayload(ref="KR4"),
    ShowMorePayload: ShowMorePayload(words="list all", offset=20, rank=1, number=9),
}


@pytest.mark.parametrize("action", list(ActionId))
def test_every_button_stands_for_a_typed_command(action: ActionId) -> None:
    pressed = command_from_press(action, _EXAMPLE_PAYLOADS[ACTION_PAYLOADS[action]].dump())
    assert verb_of(pressed.command) in VERBS


@pytest.mark.parametrize("number", [0, -1, MAX_REF_NUMBER + 1, 10**12])
def test_a_button_reads_its_reference_as_typed_words_do(number: int) -> None:
    assert ref_of(f"O{number}") is None
    with pytest.raises(BadPayload):
        command_from_press(ActionId.SHOW_OBJECTIVE, ObjectivePayload(o=number).dump())


@pytest.mark.parametrize("text", ["O0", "O2147483648", "O99999999999", "KR3", "X1"])
def test_a_form_field_reads_its_reference_as_typed_words_do(text: str) -> None:
    with pytest.raises(FieldErrors) as raised:
        command_from_form(FormId.NEW_OBJECTIVE, "", {"title": "T", "parent": text})
    assert raised.value.errors == {"parent": "Write it like O12."}


@pytest.mark.parametrize("text", ["O12", "o12", "#O12", "12"])
def test_a_form_field_takes_what_typed_words_take(text: str) -> None:
    command = command_from_form(FormId.NEW_OBJECTIVE, "", {"title": "T", "parent": text})
    assert getattr(command, "parent", None) == Ref(RefKind.OBJECTIVE, 12)
