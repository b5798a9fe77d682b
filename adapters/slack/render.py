"""Cards as Block Kit messages, built with slack_sdk.models: headers, progress, mentions, buttons.

Slack's rules shape this module: at most 50 blocks a message (a long card becomes several messages, never a cut
one), section text at most 3000 characters, header text at most 150, and action ids unique within a message
(each button's id is its ActionId with a `#n` suffix; `action_from_action_id` reads the ActionId back).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from adapters.slack.mrkdwn import (
    TONE_EMOJI,
    bold,
    clip,
    escape,
    mention,
    progress_bar,
    slack_length,
    split_text,
)
from adapters.slack.serialise import as_json
from bot.views.actions import ActionId
from bot.views.cards import Button, ButtonStyle, Card, Response, Section, Tone

MESSAGE_BLOCKS_MAX = 50
SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
CONFIRM_TITLE_MAX, CONFIRM_TEXT_MAX, CONFIRM_BUTTON_MAX = 100, 300, 30
FALLBACK_TEXT_MAX = 3000  # the notification text; Slack allows far more, nobody reads it

_SUFFIX = "#"
# Lines indented by two or more spaces are laid out (help's columns): a code block keeps the layout.
_LAID_OUT = re.compile(r"^ {2,}\S", re.MULTILINE)


class ActionIds:
    """Hands out action ids unique within one message or view: `okr.open_checkin#3`."""

    def __init__(self) -> None:
        self._count = itertools.count(1)

    def next(self, action: ActionId) -> str:
        return f"{action.value}{_SUFFIX}{next(self._count)}"


def action_from_action_id(action_id: str) -> ActionId | None:
    """The ActionId behind a Slack action id (`okr.open_checkin#3` -> OPEN_CHECKIN); None for anything else."""
    try:
        return ActionId(action_id.partition(_SUFFIX)[0])
    except ValueError:
        return None


@dataclass
class Message:
    """One Slack message: `text` is the notification/fallback, `blocks` what people see."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": as_json(self.blocks)}


def message_payload(response: Response) -> list[dict[str, Any]]:
    """Every card of `response` (and its field errors, if any) as `chat.postMessage`-ready message dicts."""
    ids = ActionIds()
    messages = [message for card in response.cards for message in card_messages(card, ids)]
    if response.errors:
        messages += card_messages(errors_card(response.errors), ids)
    return [message.to_dict() for message in messages]


def errors_card(errors: dict[str, str]) -> Card:
    lines = "\n".join(f"{name}: {message}" for name, message in errors.items())
    return Card(title="That did not go through", tone=Tone.ERROR, sections=(Section(text=lines),))


def card_messages(
    card: Card, ids: ActionIds | None = None, *, limit: int = MESSAGE_BLOCKS_MAX
) -> list[Message]:
    """`card` as one message, or as several when it has more than `limit` blocks (each says it continues)."""
    ids = ids or ActionIds()
    groups = card_block_groups(card, ids)
    fallback = fallback_text(card)
    messages = [Message(fallback)]
    for group in groups:
        for piece in _pieces(group, limit - 1):  # room for a "continued" line
            if len(messages[-1].blocks) + len(piece) > limit:
                continued = f"{card.title} (continued)"
                messages.append(Message(f"{fallback} (continued)", [_context(continued)]))
            messages[-1].blocks += piece
    return messages


def _pieces(group: list[Block], size: int) -> Iterator[list[Block]]:
    """A group of blocks that belong together, cut only when it alone is larger than a message."""
    for start in range(0, len(group), size):
        yield group[start : start + size]


def fallback_text(card: Card) -> str:
    """The message's `text`: what notifications and screen readers say. Escaped, as Slack reads it as mrkdwn."""
    tone = TONE_EMOJI[card.tone]
    return escape(clip(f"{tone} {card.title}" if tone else card.title, FALLBACK_TEXT_MAX))


@dataclass
class CardParts:
    """A card's blocks in the pieces that must stay together: its head, each section, and its closing row."""

    head: list[Block]
    sections: list[list[Block]]
    closing: list[Block]

    def groups(self) -> list[list[Block]]:
        return [group for group in (self.head, *self.sections, self.closing) if group]


def card_parts(card: Card, ids: ActionIds) -> CardParts:
    head = _title_blocks(card)
    if card.subtitle:
        head.append(_context(card.subtitle))
    sections = [section_blocks(section, ids) for section in card.sections]
    closing = _buttons_blocks(card.buttons, ids)
    if card.footer:
        closing.append(_context(card.footer))
    if card.hints:
        closing.append(_context("\n".join(card.hints)))
    return CardParts(head, sections, closing)


def card_block_groups(card: Card, ids: ActionIds) -> list[list[Block]]:
    """The card's blocks, grouped so that a section's text, facts and buttons stay in one message."""
    return card_parts(card, ids).groups()


def _title_blocks(card: Card) -> list[Block]:
    tone = TONE_EMOJI[card.tone]
    if not card.sections and not card.buttons:
        # A one-line notice or error: a bold line reads better than a large header.
        return _mrkdwn_sections(f"{tone} {bold(card.title)}" if tone else bold(card.title))
    title = f"{tone} {card.title}" if tone else card.title
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=clip(title, HEADER_TEXT_MAX), emoji=True))]
    if slack_length(title) > HEADER_TEXT_MAX:
        blocks += _mrkdwn_sections(bold(card.title))  # the header had to be cut: the full title follows
    return blocks


def section_blocks(section: Section, ids: ActionIds) -> list[Block]:
    """One card section: its text (ref and heading bold, owner mentioned, progress bar), facts, buttons."""
    lines: list[str] = []
    heading = " ".join(part for part in (section.ref, section.heading) if part)
    owner = mention(section.owner) if section.owner else ""
    if heading:
        lines.append(f"{bold(heading)}  {owner}".rstrip())
    elif section.text and owner and not _LAID_OUT.search(section.text):
        lines.append(f"{owner}: {_text(section.text)}")
    elif owner and section.progress is None:
        lines.append(owner)
    if section.progress is not None:
        by = f"  {owner}" if owner and not heading and not section.text else ""
        lines.append(progress_bar(section.progress) + by)
    if section.text and (heading or not owner or _LAID_OUT.search(section.text)):
        lines.append(_text(section.text))
    text = "\n".join(lines)

    buttons = list(section.buttons)
    blocks: list[Block] = []
    if text and section.depth >= 2 and not buttons and section.progress is None:
        blocks += _contexts([text])  # a check-in under a key result: small print
    elif text:
        # A single button sits beside the text (an accessory) rather than on a row of its own.
        accessory = button_element(buttons[0], ids) if len(buttons) == 1 else None
        blocks += _mrkdwn_sections(text, accessory=accessory)
        if accessory is not None:
            buttons = []
    if section.facts:
        facts = [f"*{escape(fact.label)}:* {escape(fact.value)}" for fact in section.facts]
        blocks += _contexts(facts)
    blocks += _buttons_blocks(tuple(buttons), ids)
    return blocks


def _text(text: str) -> str:
    """A paragraph from the core: escaped, and in a code block when it is laid out in columns."""
    if _LAID_OUT.search(text):
        return f"```{escape(text)}```"
    return escape(text)


def _mrkdwn_sections(text: str, *, accessory: ButtonElement | None = None) -> list[Block]:
    """`text` in as many sections as its length needs; the accessory goes on the first."""
    if text.startswith("```") and text.endswith("```") and slack_length(text) > SECTION_TEXT_MAX:
        pieces = [f"```{piece}```" for piece in split_text(text[3:-3], SECTION_TEXT_MAX - 6)]
    else:
        pieces = split_text(text, SECTION_TEXT_MAX)
    return [
        SectionBlock(text=MarkdownTextObject(text=piece), accessory=accessory if i == 0 else None)
        for i, piece in enumerate(pieces)
    ]


def _context(text: str) -> ContextBlock:
    """Small plain print (subtitles, footers, hints): the core writes these as plain text."""
    pieces = split_text(text, SECTION_TEXT_MAX)[:CONTEXT_ELEMENTS_MAX]
    return ContextBlock(elements=[PlainTextObject(text=piece, emoji=True) for piece in pieces])


def _contexts(texts: Sequence[str]) -> list[Block]:
    """Context blocks holding `texts` (already mrkdwn), facts joined on a line, at most 10 elements a block."""
    line = "   ".join(texts)
    pieces = split_text(line, SECTION_TEXT_MAX)
    return [
        ContextBlock(
            elements=[MarkdownTextObject(text=piece) for piece in pieces[i : i + CONTEXT_ELEMENTS_MAX]]
        )
        for i in range(0, len(pieces), CONTEXT_ELEMENTS_MAX)
    ]


def _buttons_blocks(buttons: Sequence[Button], ids: ActionIds) -> list[Block]:
    elements = []
    refused: list[str] = []
    for button in buttons:
        element = button_element(button, ids)
        if element is None:
            refused.append(button.label)
        else:
            elements.append(element)
    blocks: list[Block] = [
        ActionsBlock(elements=elements[i : i + ACTIONS_ELEMENTS_MAX])
        for i in range(0, len(elements), ACTIONS_ELEMENTS_MAX)
    ]
    if refused:
        names = ", ".join(f"“{label}”" for label in refused)
        blocks.append(_context(f"{names} can't be offered here: the command is too long. Run a shorter one."))
    return blocks


def button_element(button: Button, ids: ActionIds) -> ButtonElement | None:
    """A Block Kit button; None when its payload is longer than Slack carries in a button's value."""
    if slack_length(button.value) > BUTTON_VALUE_MAX:
        return None
    style = {ButtonStyle.PRIMARY: "primary", ButtonStyle.DANGER: "danger"}.get(button.style)
    confirm = None
    if button.confirm is not None:
        confirm = ConfirmObject(
            title=PlainTextObject(text=clip(button.confirm.title, CONFIRM_TITLE_MAX)),
            text=PlainTextObject(text=clip(button.confirm.text, CONFIRM_TEXT_MAX)),
            confirm=PlainTextObject(text=clip(button.confirm.confirm_label, CONFIRM_BUTTON_MAX)),
            deny=PlainTextObject(text=clip(button.confirm.deny_label, CONFIRM_BUTTON_MAX)),
            style="danger" if button.style is ButtonStyle.DANGER else None,
        )
    return ButtonElement(
        text=PlainTextObject(text=clip(button.label, BUTTON_TEXT_MAX), emoji=True),
        action_id=ids.next(button.action),
        value=button.value,
        style=style,
        confirm=confirm,
    )
