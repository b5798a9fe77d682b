"""Cards to JSON and back, losslessly: the outbox stores the card it will send, not the means to rebuild it.

pydantic walks the nested dataclasses both ways (enums from their values, tuples from lists), so a stored card
that no longer fits the Card type fails loudly instead of sending something half-built. Adding a field with a
default to Card keeps old rows readable; renaming or removing one does not.
"""

from __future__ import annotations

import json

from pydantic import TypeAdapter

from bot.views.cards import Card

_CARD = TypeAdapter(Card)


def card_to_json(card: Card) -> str:
    # The standard json module (not pydantic's) so that inf and NaN in a Progress survive as Infinity/NaN,
    # where pydantic's JSON would write null.
    return json.dumps(_CARD.dump_python(card), ensure_ascii=False, separators=(",", ":"))


def card_from_json(text: str) -> Card:
    """The card stored as `text`; raises ValueError (pydantic.ValidationError, JSONDecodeError) if it is not one."""
    return _CARD.validate_python(json.loads(text))
