"""The core's Cards and Forms drawn as Adaptive Cards 1.5 (plain dicts, as the Bot Framework sends them).

Buttons are `Action.Execute` (Universal Actions: Teams answers with an `adaptiveCard/action` invoke and shows
the card we return) with an `Action.Submit` fallback for clients older than 1.4 (a message whose `value` is
the same data). Button data is `{"action": <ActionId>, "payload": <value>}`; form data is
`{"form": <FormId>, "state": <state>}` plus the inputs, keyed by field name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.domain.enums import Status
from bot.views.cards import (
    Button,
    ButtonStyle,
    Card,
    Choice,
    FieldKind,
    Form,
    FormField,
    Progress,
    Section,
    Tone,
)

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
BAR_WIDTH = 10

Json = dict[str, Any]
_MENTION = re.compile(r"@\{([^{}|]*)\|([^{}]*)\}")

TONE_COLOR = {
    Tone.NEUTRAL: "Default",
    Tone.SUCCESS: "Good",
    Tone.WARNING: "Warning",
    Tone.ERROR: "Attention",
    Tone.CELEBRATION: "Accent",
}
TONE_MARK = {
    Tone.NEUTRAL: "",
    Tone.SUCCESS: "✓ ",
    Tone.WARNING: "⚠ ",
    Tone.ERROR: "✗ ",
    Tone.CELEBRATION: "🎉 ",
}
STATUS_TEXT = {Status.ON_TRACK: "🟢 on track", Status.AT_RISK: "🟡 at risk", Status.BEHIND: "🔴 behind"}
BUTTON_STYLE = {
    ButtonStyle.DEFAULT: "default",
    ButtonStyle.PRIMARY: "positive",
    ButtonStyle.DANGER: "destructive",
}


def _text(text: str, **style: Any) -> Json:
    if "@{" in text:
        text = _MENTION.sub(_at, text)
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _at(match: re.Match[str]) -> str:
    """A mention typed in Teams (bot/invocation.py's `@{id|name}`), drawn back as Teams wrote it."""
    return f"<at>{match[2] or match[1]}</at>"


def _envelope(body: list[Json], actions: list[Json]) -> Json:
    card: Json = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        card["actions"] = actions
    # Teams draws cards narrow unless told; OKR lists read better full width.
    card["msteams"] = {"width": "Full"}
    return card


def progress_text(progress: Progress) -> str:
    fraction = max(0.0, min(1.0, progress.fraction))
    filled = round(fraction * BAR_WIDTH)
    text = f"{'▰' * filled}{'▱' * (BAR_WIDTH - filled)} {progress.fraction:.0%}"
    if progress.status is not None:
        text += f" · {STATUS_TEXT[progress.status]}"
    if progress.expected is not None and progress.fraction < 1:
        text += f" (expected {progress.expected:.0%})"
    return text


def button_data(button: Button) -> Json:
    return {"action": button.action.value, "payload": button.value}


def _execute(title: str, verb: str, data: Json, *, style: str = "default") -> Json:
    action: Json = {"type": "Action.Execute", "title": title, "verb": verb, "data": data}
    fallback: Json = {"type": "Action.Submit", "title": title, "data": data}
    if style != "default":
        action["style"] = fallback["style"] = style
    action["fallback"] = fallback
    return action


def button_action(button: Button) -> Json:
    style = BUTTON_STYLE[button.style]
    act = _execute(button.label, button.action.value, button_data(button), style=style)
    if button.confirm is None:
        return act
    # Adaptive Cards have no confirmation dialog: the button unfolds a small card that asks first.
    confirm = button.confirm
    question = _envelope(
        [_text(confirm.title, weight="Bolder"), _text(confirm.text)],
        [{**act, "title": confirm.confirm_label}],
    )
    del question["msteams"], question["$schema"]
    return {"type": "Action.ShowCard", "title": button.label, "card": question}


def _section(section: Section) -> Json:
    items: list[Json] = []
    heading = " ".join(
        part for part in (f"**{section.ref}**" if section.ref else None, section.heading) if part
    )
    owner = section.owner.name if section.owner else None
    if heading:
        items.append(_text(heading, weight="Bolder" if section.depth == 0 else "Default"))
    if section.text:
        items.append(_text(f"{owner}: {section.text}" if owner and not heading else section.text))
    if section.progress is not None:
        items.append(_text(progress_text(section.progress), spacing="Small", fontType="Monospace"))
    facts = [{"title": fact.label, "value": fact.value} for fact in section.facts]
    if owner and (heading or not section.text):
        facts.insert(0, {"title": "Owner", "value": owner})
    if facts:
        items.append({"type": "FactSet", "facts": facts, "spacing": "Small"})
    if section.buttons:
        items.append({"type": "ActionSet", "actions": [button_action(b) for b in section.buttons]})
    if not items:
        items.append(_text(" "))
    container: Json = {"type": "Container", "items": items, "spacing": "Medium"}
    if section.depth == 0:
        container["separator"] = True
        return container
    # Nesting shows as indentation: a narrow empty column before the item.
    return {
        "type": "ColumnSet",
        "spacing": "Small",
        "columns": [
            {"type": "Column", "width": f"{12 * section.depth}px", "items": []},
            {"type": "Column", "width": "stretch", "items": [container]},
        ],
    }


def card(view: Card) -> Json:
    """An Adaptive Card for one of the core's cards."""
    body: list[Json] = [
        _text(
            f"{TONE_MARK[view.tone]}{view.title}", weight="Bolder", size="Medium", color=TONE_COLOR[view.tone]
        )
    ]
    if view.subtitle:
        body.append(_text(view.subtitle, isSubtle=True, spacing="None"))
    body += [_section(section) for section in view.sections]
    if view.footer:
        body.append(_text(view.footer, size="Small", isSubtle=True))
    body += [_text(f"💡 {hint}", size="Small", isSubtle=True, spacing="Small") for hint in view.hints]
    return _envelope(body, [button_action(b) for b in view.buttons])


def _input(field: FormField, value: str | None, error: str | None, people: Sequence[Choice]) -> list[Json]:
    common: Json = {"id": field.name, "label": field.label, "isRequired": field.required}
    if field.required:
        common["errorMessage"] = error or f"{field.label} is required."
    element: Json
    match field.kind:
        case FieldKind.NUMBER:
            element = {"type": "Input.Number", **common}
            number = _number(value)
            if number is not None:
                element["value"] = number
        case FieldKind.CHOICE if field.choices:
            choices = [{"title": choice.label, "value": choice.value} for choice in field.choices]
            element = {"type": "Input.ChoiceSet", "style": "compact", "choices": choices, **common}
            if value:
                element["value"] = value
        case FieldKind.USER if people:
            # A person is their Teams id, which is what the core expects back: pick from the roster, typing to
            # filter. (Teams' own people picker answers with Entra object ids, and the Playground lacks it.)
            choices = [{"title": person.label, "value": person.value} for person in people]
            element = {"type": "Input.ChoiceSet", "style": "filtered", "choices": choices, **common}
            if value:
                element["value"] = value
        case FieldKind.CHECKBOX:
            # A toggle has its own title and needs no label; "true"/"false" are what the core reads.
            element = {"type": "Input.Toggle", "id": field.name, "title": field.label, "value": "false"}
            element.update(valueOn="true", valueOff="false")
            if value in ("true", "1", "yes", "on"):
                element["value"] = "true"
        case _:
            element = {"type": "Input.Text", **common}
            if field.kind is FieldKind.LONG_TEXT:
                element["isMultiline"] = True
            if field.kind is FieldKind.USER:
                element.setdefault("placeholder", "@name")
            if value:
                element["value"] = value
    if field.placeholder and element["type"] in ("Input.Text", "Input.Number"):
        element["placeholder"] = field.placeholder
    if field.max_length and element["type"] == "Input.Text":
        element["maxLength"] = field.max_length
    items = [element]
    if error:
        items.append(_text(f"⚠ {error}", color="Attention", size="Small", spacing="None"))
    elif field.hint:
        items.append(_text(field.hint, size="Small", isSubtle=True, spacing="None"))
    return items


def _number(value: str | None) -> float | int | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def form(
    view: Form,
    *,
    values: dict[str, str | None] | None = None,
    errors: dict[str, str] | None = None,
    people: Sequence[Choice] = (),
) -> Json:
    """An Adaptive Card with inputs; `values` and `errors` redraw a submission that did not validate.

    `people` are the choices for person fields (without them, a person is typed as text).
    """
    values = values or {}
    errors = errors or {}
    body: list[Json] = [_text(view.title, weight="Bolder", size="Medium")]
    if view.intro:
        body.append(_text(view.intro, isSubtle=True, spacing="None"))
    for field in view.fields:
        value = values.get(field.name, field.initial) if field.name in values else field.initial
        body += _input(field, value, errors.get(field.name), people)
    unknown = [message for name, message in errors.items() if name not in {f.name for f in view.fields}]
    body += [_text(f"⚠ {message}", color="Attention") for message in unknown]
    data = {"form": view.form_id.value, "state": view.state}
    submit = _execute(view.submit_label, view.form_id.value, data, style="positive")
    submit["associatedInputs"] = "auto"
    submit["fallback"]["associatedInputs"] = "auto"
    return _envelope(body, [submit])


def attachment(content: Json) -> Json:
    return {"contentType": CARD_CONTENT_TYPE, "content": content}
