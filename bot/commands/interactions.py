"""Button presses and form submissions: validated payloads in, the same handlers as typed commands."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import TypeVar

from bot.commands import types as c
from bot.commands.grammar import parse
from bot.commands.handlers import run, show
from bot.domain.enums import Confidence, KRKind
from bot.domain.numbers import parse_number
from bot.service import lookup, objectives
from bot.service.context import Context
from bot.service.errors import OkrError
from bot.views import forms, messages
from bot.views.actions import (
    ACTION_PAYLOADS,
    FORM_PAYLOADS,
    ActionId,
    FormId,
    KeyResultPayload,
    NoPayload,
    ObjectivePayload,
    SharePayload,
    ShowMorePayload,
    parse_payload,
)
from bot.views.cards import Response

OBJECTIVE, KEY_RESULT = c.RefKind.OBJECTIVE, c.RefKind.KEY_RESULT


async def press(ctx: Context, action: ActionId, value: str) -> Response:
    payload = parse_payload(ACTION_PAYLOADS[action], value)
    match payload:
        case ShowMorePayload(words=words, offset=offset, rank=rank, number=number):
            command = parse(words)
            if not isinstance(command, c.ListObjectives):
                raise OkrError("That button no longer works; run the list again.")
            following = replace(command, offset=offset, after=(rank, number))
            return await run(ctx, following, words=words)
        case NoPayload() if action is ActionId.OPEN_NEW_OBJECTIVE:
            return Response(form=forms.new_objective_form(ctx.current_cycle.name))
        case NoPayload() if action is ActionId.DELETE_WORKSPACE:
            response = await run(ctx, c.WorkspaceDelete(confirmed=True))
            return Response(cards=response.cards, replace_original=True)
        case SharePayload(ref=ref_text):
            command = parse(f"show {ref_text} share")
            assert isinstance(command, c.Show)
            return await show(ctx, command.ref, share=True)
        case ObjectivePayload(o=number):
            ref = c.Ref(OBJECTIVE, number)
            if action is ActionId.SHOW_OBJECTIVE:
                return await show(ctx, ref)
            if action is ActionId.OPEN_NEW_KEY_RESULT:
                return Response(form=forms.new_key_result_form(await lookup.objective(ctx, ref)))
            if action is ActionId.ARCHIVE_OBJECTIVE:
                response = await run(ctx, c.Archive(ref))
                return Response(cards=response.cards, replace_original=True)
            if action is ActionId.DELETE_OBJECTIVE:
                objective = await lookup.objective(ctx, ref)
                await objectives.delete(ctx, objective)
                done = messages.notice(f"Deleted {ref}", objective.title)
                return Response(cards=done.cards, replace_original=True)
        case KeyResultPayload(kr=number):
            ref = c.Ref(KEY_RESULT, number)
            if action is ActionId.SHOW_KEY_RESULT:
                return await show(ctx, ref)
            if action is ActionId.OPEN_CHECKIN:
                kr, _ = await lookup.key_result(ctx, ref)
                return Response(form=forms.checkin_form(kr))
    raise OkrError("That button does nothing any more.")  # pragma: no cover


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
    digits = text.upper().lstrip("#").removeprefix(kind.value)
    if not digits.isdigit():
        errors[name] = f"Write it like {kind.value}12."
        return None
    return c.Ref(kind, int(digits))


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
        command = c.CheckIn(
            key_result=c.Ref(KEY_RESULT, payload.kr),
            value=value,
            confidence=_choice(Confidence, confidence),
            note=_text(values, "note"),
        )
    if errors:
        raise FieldErrors(errors)
    return command
