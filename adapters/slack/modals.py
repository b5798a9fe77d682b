"""Forms as Slack modals, and a submitted modal's `view.state.values` back into the core's form values.

Each field is an input block whose block_id and action_id are the field's name, so a submission reads back by
name and `response_action: errors` can point at the field the core complained about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from adapters.slack.mrkdwn import clip, escape, is_slack_user_id, slack_length, split_text
from bot.views.actions import FormId
from bot.views.cards import FieldKind, Form, FormField

MODAL_TITLE_MAX = 24
MODAL_BUTTON_MAX = 24
LABEL_MAX = 2000
HINT_MAX = 2000
PLACEHOLDER_MAX = 150
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
SECTION_TEXT_MAX = 3000
PLAIN_TEXT_INPUT_MAX = 3000
CHECKED = "true"  # the value a ticked checkbox submits; the core reads "true" as yes
CLOSE_LABEL = "Cancel"

# A number Slack's number_input accepts as its initial value; anything else is offered as plain text.
_PLAIN_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")

# The fields each form has (bot/views/forms.py): a submission is read for these names only.
FORM_FIELDS: dict[FormId, tuple[str, ...]] = {
    FormId.NEW_OBJECTIVE: ("title", "level", "team", "parent", "aspirational", "private"),
    FormId.NEW_KEY_RESULT: ("title", "kind", "start", "target", "unit", "owner"),
    FormId.CHECKIN: ("value", "confidence", "note"),
}


class BadViewState(ValueError):
    """A view_submission whose state is not what our modal could have produced (tampered or from elsewhere)."""


def modal_view(form: Form) -> View:
    """A `modal` view for `form`: callback_id is the form id, private_metadata the form's state."""
    blocks: list[Block] = []
    if slack_length(form.title) > MODAL_TITLE_MAX:  # the title bar cuts it: say it in full
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{escape(form.title)}*")))
    if form.intro:
        blocks += [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in _pieces(escape(form.intro))]
    blocks += [input_block(field) for field in form.fields]
    return View(
        type="modal",
        callback_id=form.form_id.value,
        title=PlainTextObject(text=clip(form.title, MODAL_TITLE_MAX), emoji=True),
        submit=PlainTextObject(text=clip(form.submit_label, MODAL_BUTTON_MAX), emoji=True),
        close=PlainTextObject(text=CLOSE_LABEL, emoji=True),
        private_metadata=form.state,
        blocks=blocks,
    )


def _pieces(text: str) -> list[str]:
    return split_text(text, SECTION_TEXT_MAX)


def input_block(field: FormField) -> InputBlock:
    return InputBlock(
        block_id=field.name,
        label=PlainTextObject(text=clip(field.label, LABEL_MAX), emoji=True),
        element=input_element(field),
        hint=PlainTextObject(text=clip(field.hint, HINT_MAX), emoji=True) if field.hint else None,
        optional=not field.required,
    )


def input_element(field: FormField) -> InputInteractiveElement:
    """The Block Kit element for a field's kind; its action_id is the field's name."""
    placeholder = (
        PlainTextObject(text=clip(field.placeholder, PLACEHOLDER_MAX)) if field.placeholder else None
    )
    initial = field.initial or None
    match field.kind:
        case FieldKind.NUMBER if initial is None or _PLAIN_DECIMAL.fullmatch(initial):
            return NumberInputElement(
                action_id=field.name, is_decimal_allowed=True, initial_value=initial, placeholder=placeholder
            )
        case FieldKind.CHOICE:
            options = [_option(choice.value, choice.label) for choice in field.choices]
            chosen = next((o for o in options if o.value == initial), None)
            return StaticSelectElement(
                action_id=field.name, options=options, initial_option=chosen, placeholder=placeholder
            )
        case FieldKind.CHECKBOX:
            tick = _option(CHECKED, "Yes")
            ticked = initial is not None and initial.lower() in ("true", "yes", "on", "1")
            return CheckboxesElement(
                action_id=field.name, options=[tick], initial_options=[tick] if ticked else None
            )
        case FieldKind.USER:
            user = initial.lstrip("@") if initial else None
            return UserSelectElement(
                action_id=field.name,
                initial_user=user if user and is_slack_user_id(user) else None,
                placeholder=placeholder,
            )
        case _:  # TEXT, LONG_TEXT, and a NUMBER whose initial value only plain text can hold ("1.2k")
            return PlainTextInputElement(
                action_id=field.name,
                multiline=field.kind is FieldKind.LONG_TEXT or None,
                initial_value=initial,
                max_length=min(field.max_length, PLAIN_TEXT_INPUT_MAX) if field.max_length else None,
                placeholder=placeholder,
            )


def _option(value: str, label: str) -> Option:
    if len(value) > OPTION_VALUE_MAX:
        raise ValueError(
            f"a choice's value is longer than Slack's {OPTION_VALUE_MAX} characters: {value[:40]}…"
        )
    return Option(value=value, text=PlainTextObject(text=clip(label, OPTION_TEXT_MAX), emoji=True))


def form_values(form_id: FormId, state_values: Mapping[str, Any]) -> dict[str, str | None]:
    """`view.state.values` of a submitted modal as the core's FormSubmit values, by field name.

    Slack sends every input block, filled or not: an empty field comes back as None. A users_select gives
    the bare user id (`U123`), which the core takes as the member's platform id."""
    if not isinstance(state_values, Mapping):
        raise BadViewState("view.state.values is not an object")
    values: dict[str, str | None] = {}
    for name in FORM_FIELDS[form_id]:
        block = state_values.get(name)
        if block is None:
            continue  # not in the view (an older modal): the core treats it as empty
        if not isinstance(block, Mapping):
            raise BadViewState(f"block {name!r} is not an object")
        element = block.get(name)
        if not isinstance(element, Mapping):
            raise BadViewState(f"block {name!r} has no element {name!r}")
        values[name] = element_value(element)
    return values


def element_value(element: Mapping[str, Any]) -> str | None:
    """One element's submitted value, by its type, in Slack's wire shape."""
    kind = element.get("type")
    if kind in ("plain_text_input", "number_input"):
        return _string(element.get("value"), kind)
    if kind == "static_select":
        option = element.get("selected_option")
        if option is None:
            return None
        if not isinstance(option, Mapping):
            raise BadViewState("static_select: selected_option is not an object")
        return _string(option.get("value"), kind)
    if kind == "checkboxes":
        options = element.get("selected_options")
        if not isinstance(options, list) or not all(isinstance(o, Mapping) for o in options):
            raise BadViewState("checkboxes: selected_options is not a list of options")
        return CHECKED if any(o.get("value") == CHECKED for o in options) else None
    if kind == "users_select":
        user = _string(element.get("selected_user"), kind)
        if user is not None and not is_slack_user_id(user):
            raise BadViewState("users_select: selected_user is not a Slack user id")
        return user
    raise BadViewState(f"an element of type {kind!r}, which our modals never contain")


def _string(value: Any, kind: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadViewState(f"{kind}: the value is not a string")
    return value


def errors_response(errors: Mapping[str, str], form_id: FormId | None = None) -> dict[str, Any]:
    """The ack body that shows each message under its field (block_id = field name) and keeps the modal open.

    Slack refuses errors for blocks the modal does not have; given the form, a message about anything else is
    shown under the form's first field instead of being lost."""
    shown: dict[str, str] = {}
    fields = FORM_FIELDS[form_id] if form_id is not None else ()
    for name, message in errors.items():
        block = name if not fields or name in fields else fields[0]
        shown[block] = f"{shown[block]} {message}" if block in shown else message
    return {"response_action": "errors", "errors": shown}
