"""The App Home tab: a person's dashboard cards as one `home` view, within Slack's 100 blocks."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack.render import ActionIds, card_parts
from bot.views.cards import Card

HOME_BLOCKS_MAX = 100
EMPTY_TEXT = "Nothing here yet. Type `/okr new` in any channel to create your first objective."


def home_view(cards: Sequence[Card], *, limit: int = HOME_BLOCKS_MAX) -> View:
    """`cards` one after another, divided by lines. What does not fit is counted in a closing note, and never
    cut in the middle of an item: a card's head, each of its sections, and its buttons stay whole."""
    ids = ActionIds()  # action ids must be unique across the whole view
    blocks: list[Block] = []
    left_out = 0  # sections (objectives, key results...) not shown
    full = False
    room = limit - 1  # one block stays free for the note
    for card in cards:
        parts = card_parts(card, ids)
        head = [DividerBlock(), *parts.head] if blocks else parts.head
        if full or len(blocks) + len(head) > room:
            full = True
            left_out += max(1, len(parts.sections))
            continue
        blocks += head
        for section in parts.sections:
            if full or len(blocks) + len(section) > room:
                full = True
                left_out += 1
            else:
                blocks += section
        if not full and len(blocks) + len(parts.closing) <= room:
            blocks += parts.closing
        elif parts.closing:
            full = True  # the card's buttons would be cut off from it: stop here
    if full:
        what = f"{left_out} more item(s)" if left_out else "Some buttons"
        note = f"{what} did not fit here. /okr list shows everything."
        blocks.append(ContextBlock(elements=[PlainTextObject(text=note, emoji=True)]))
    if not blocks:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=EMPTY_TEXT)))
    return View(type="home", blocks=blocks)
