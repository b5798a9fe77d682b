"""Button presses and form submissions -> the typed commands that typed words make, for the same handlers.

Payloads are validated on the way in (bot/views/actions.py); a reference in one is read by the grammar's own
`ref_of`, so a button or a form field accepts exactly the `O12` a person may type.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from bot.commands import types as c
from bot.commands.parser import parse
from bot.commands.tokens import ref_of
from bot.domain.enums import Confidence, KRKind
from bot.domain.numbers import parse_number
from bot.service.errors import OkrError
from bot.views.actions import (
    ACTION_PAYLOADS,
    FORM_PAYLOADS,
    ActionId,
    BadPayload,
    FormId,
    KeyResultPayload,
    NoPayload,
    ObjectivePayload,
    SharePayload,
    ShowMorePayload,
    parse_payload,
)

OBJECTIVE, KEY_RESULT = c.RefKind.OBJECTIVE, c.RefKind.KEY_RESULT


@dataclass(frozen=True)
class Pressed:
    """The typed command a button stands for."""

    command: c.Command
    words: str = ""  # the words of the list a "Show more" button continues
    replaces: bool = False  # the answer takes the place of the card the button was on


def command_from_press(action: ActionId, value: str) -> Pressed:
    """The typed command a pressed button stands for; BadPayload when its payload is not one we made."""
    payload = parse_payload(ACTION_PAYLOADS[action], value)
    match payload:
        case ShowMorePayload(words=words, offset=offset, rank=rank, number=number):
            command = parse(words)
            if not isinstance(command, c.ListObjectives):
                raise OkrError("That button no longer works; run the list again.")
            return Pressed(replace(command, offset=offset, after=(rank, number)), words)
        case NoPayload() if action is ActionId.OPEN_NEW_OBJECTIVE:
            return Pressed(c.NewObjective(title=None))
        case NoPayload() if action is ActionId.DELETE_WORKSPACE:
            return Pressed(c.WorkspaceDelete(confirmed=True), replaces=True)
        case SharePayload(ref=ref_text):
            shared = parse(f"show {ref_text} share")
            if not isinstance(shared, c.Show):
                raise BadPayload(f"bad SharePayload: {ref_text!r} is no reference")
            return Pressed(shared)
        case ObjectivePayload(o=number):
            ref = _payload_ref(OBJECTIVE, number)
            if action is ActionId.SHOW_OBJECTIVE:
                return Pressed(c.Show(ref))
            if action is ActionId.OPEN_NEW_KEY_RESULT:
                return Pressed(c.NewKeyResult(ref, title=None))
            if action is ActionId.ARCHIVE_OBJECTIVE:
                return Pressed(c.Archive(ref), replaces=True)
            if action is ActionId.DELETE_OBJECTIVE:
                return Pressed(c.Delete(ref, confirmed=True), replaces=True)
        case KeyResultPayload(kr=number):
            ref = _payload_ref(KEY_RESULT, number)
            if action is ActionId.SHOW_KEY_RESULT:
                return Pressed(c.Show(ref))
            if action is ActionId.OPEN_CHECKIN:
                return Pressed(c.RecordCheckIn(ref, value=None))
    raise OkrError("That button does nothing any more.")  # pragma: no cover


def _payload_ref(kind: c.RefKind, number: int) -> c.Ref:
    """A payload's number as the reference a person would type for it, read by the same rule."""
    ref = ref_of(f"{kind.value}{number}")
    if ref is None:
        raise BadPayload(f"bad {kind.name.lower()} number: {number}")
    return ref


class FieldErrors(Exception):
    """A submitted form with values that do not validate: shown beside their fields."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _text(values: dict[str, str | None], name: str) -> str | None:
    value = values.get(name)
    return value.strip() if value and value.strip() else None


def _number(values: dict[str, str | None], name: str, errors: dict[str, str]) -> float | None:
    text = _text(values, name)
    if text is None:
        return None
    number = parse_number(text)
    if number is None:
        errors[name] = f"“{text}” is not a number."
    return number


def _ref(values: dict[str, str | None], name: str, kind: c.RefKind, errors: dict[str, str]) -> c.Ref | None:
    text = _text(values, name)
    if text is None:
        return None
    if text.lstrip("#").isdigit():  # the field asks for this kind, so a bare number is one of them
        text = kind.value + text.lstrip("#")
    ref = ref_of(text)
    if ref is None or ref.kind is not kind:
        errors[name] = f"Write it like {kind.value}12."
        return None
    return ref


E = TypeVar("E", bound=StrEnum)


def _choice(enum: type[E], value: str | None) -> E | None:
    """A submitted choice as its enum member; None for a value the form never offered."""
    try:
        return enum(value) if value is not None else None
    except ValueError:
        return None


def _flag(values: dict[str, str | None], name: str) -> bool:
    return (_text(values, name) or "").lower() in ("true", "on", "yes", "1", name)


def command_from_form(form: FormId, state: str, values: dict[str, str | None]) -> c.Command:
    """The typed command a submitted form stands for; FieldErrors when a field is not valid."""
    payload = parse_payload(FORM_PAYLOADS[form], state)
    errors: dict[str, str] = {}
    command: c.Command
    if form is FormId.NEW_OBJECTIVE:
        level = _text(values, "level") or "personal"
        team = _text(values, "team")
        if level == "team" and team is None:
            errors["team"] = "A team objective needs its team."
        command = c.NewObjective(
            title=_text(values, "title") or "",
            team=team if level == "team" else None,
            company=level == "company",
            parent=_ref(values, "parent", OBJECTIVE, errors),
            aspirational=_flag(values, "aspirational"),
            private=_flag(values, "private"),
        )
    elif form is FormId.NEW_KEY_RESULT:
        assert isinstance(payload, ObjectivePayload)
        kind_text = _text(values, "kind")
        owner = _text(values, "owner")
        command = c.NewKeyResult(
            objective=c.Ref(OBJECTIVE, payload.o),
            title=_text(values, "title") or "",
            kind=_choice(KRKind, kind_text),
            start=_number(values, "start", errors),
            target=_number(values, "target", errors),
            unit=_text(values, "unit"),
            owner=c.UserRef(owner.lstrip("@"), None) if owner else None,
        )
    else:
        assert isinstance(payload, KeyResultPayload)
        value = _number(values, "value", errors)
        if value is None and "value" not in errors:
            errors["value"] = "Give the new value."
        confidence = _text(values, "confidence")
        command = c.RecordCheckIn(
            key_result=c.Ref(KEY_RESULT, payload.kr),
            value=value,
            confidence=_choice(Confidence, confidence),
            note=_text(values, "note"),
        )
    if errors:
        raise FieldErrors(errors)
    return command
