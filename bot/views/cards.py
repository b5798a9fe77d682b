"""What the bot shows, in no platform's markup: adapters draw these as Block Kit, Adaptive Cards or text."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.enums import Status
from bot.views.actions import ActionId, FormId


class Tone(StrEnum):
    """The mood of a card, for a colour or an emoji."""

    NEUTRAL = "neutral"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"
    CELEBRATION = "celebration"


class Visibility(StrEnum):
    ONLY_YOU = "only-you"  # Slack ephemeral; Teams reply in the same 1:1 or a reply in thread
    EVERYONE = "everyone"  # posted in the conversation for all to see


class ButtonStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Person:
    """Someone to show as a mention where the platform can, and by name where it can't."""

    user_id: str
    name: str


@dataclass(frozen=True)
class Progress:
    fraction: float  # 0..1
    status: Status | None = None
    expected: float | None = None  # where the cycle's elapsed time says it should be


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Confirm:
    """A 'are you sure?' step before a destructive button acts."""

    title: str
    text: str
    confirm_label: str
    deny_label: str = "Cancel"


@dataclass(frozen=True)
class Button:
    label: str
    action: ActionId
    value: str  # a serialised payload model (bot/views/actions.py), parsed back and validated on press
    style: ButtonStyle = ButtonStyle.DEFAULT
    confirm: Confirm | None = None


@dataclass(frozen=True)
class Section:
    """One item in a card: an objective, a key result, a check-in, or a paragraph of text."""

    text: str = ""
    ref: str | None = None  # "O12", shown before the heading
    heading: str | None = None
    owner: Person | None = None
    progress: Progress | None = None
    facts: tuple[Fact, ...] = ()
    buttons: tuple[Button, ...] = ()
    depth: int = 0  # 0 an objective; 1 a key result under it; 2 an initiative or a check-in


@dataclass(frozen=True)
class Card:
    title: str
    sections: tuple[Section, ...] = ()
    subtitle: str | None = None
    tone: Tone = Tone.NEUTRAL
    buttons: tuple[Button, ...] = ()
    hints: tuple[str, ...] = ()  # OKR practice tips and next steps, shown small
    footer: str | None = None


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long-text"
    NUMBER = "number"
    CHOICE = "choice"
    CHECKBOX = "checkbox"
    USER = "user"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    initial: str | None = None
    placeholder: str | None = None
    hint: str | None = None
    choices: tuple[Choice, ...] = ()
    max_length: int | None = None


@dataclass(frozen=True)
class Form:
    """A form to fill in: a Slack modal, an Adaptive Card with inputs, a series of console prompts."""

    form_id: FormId
    title: str
    fields: tuple[FormField, ...]
    submit_label: str
    state: str  # the serialised payload the submission comes back with (which objective, which KR)
    intro: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A file that goes with an answer (an export)."""

    filename: str
    content_type: str
    content: str


@dataclass(frozen=True)
class Response:
    """The answer to one invocation. `errors` answers a form submission that did not validate."""

    cards: tuple[Card, ...] = ()
    form: Form | None = None
    visibility: Visibility = Visibility.ONLY_YOU
    errors: dict[str, str] = field(default_factory=dict)
    replace_original: bool = False  # update the message the button was on instead of adding one
    attachments: tuple[Attachment, ...] = ()
    # Someone's OKRs changed in this invocation (filled in by the core, never by a handler): an adapter showing
    # OKRs outside the conversation (Slack's App Home) refreshes them.
    changed_okrs: bool = False

    @classmethod
    def card(cls, card: Card, *, visibility: Visibility = Visibility.ONLY_YOU) -> Response:
        return cls(cards=(card,), visibility=visibility)
