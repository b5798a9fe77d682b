"""Cards survive the outbox: JSON and back gives the same card, for any card."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.delivery.cardjson import card_from_json, card_to_json
from bot.domain.enums import Status
from bot.views.actions import ActionId
from bot.views.cards import Button, ButtonStyle, Card, Confirm, Fact, Person, Progress, Section, Tone

text = st.text(max_size=20)
maybe_text = st.none() | text
number = st.floats(allow_nan=False)  # NaN never equals itself; it is checked on its own below
buttons = st.builds(
    Button,
    label=text,
    action=st.sampled_from(ActionId),
    value=text,
    style=st.sampled_from(ButtonStyle),
    confirm=st.none() | st.builds(Confirm, text, text, text, text),
)
sections = st.builds(
    Section,
    text=text,
    ref=maybe_text,
    heading=maybe_text,
    owner=st.none() | st.builds(Person, text, text),
    progress=st.none() | st.builds(Progress, number, st.none() | st.sampled_from(Status), st.none() | number),
    facts=st.lists(st.builds(Fact, text, text), max_size=3).map(tuple),
    buttons=st.lists(buttons, max_size=2).map(tuple),
    depth=st.integers(0, 2),
)
cards = st.builds(
    Card,
    title=text,
    sections=st.lists(sections, max_size=3).map(tuple),
    subtitle=maybe_text,
    tone=st.sampled_from(Tone),
    buttons=st.lists(buttons, max_size=2).map(tuple),
    hints=st.lists(text, max_size=2).map(tuple),
    footer=maybe_text,
)


@given(cards)
def test_any_card_comes_back_equal(card: Card) -> None:
    back = card_from_json(card_to_json(card))
    assert back == card
    assert card_to_json(back) == card_to_json(card)


def test_types_come_back_as_they_were() -> None:
    card = Card(
        "🎉 KR3 reached its target",
        sections=(
            Section(
                heading="Increase trial conversion",
                progress=Progress(float("nan"), Status.ON_TRACK, float("inf")),
                buttons=(Button("Check in", ActionId.OPEN_CHECKIN, '{"kr":3}', ButtonStyle.PRIMARY),),
            ),
        ),
        tone=Tone.CELEBRATION,
    )
    back = card_from_json(card_to_json(card))
    section = back.sections[0]
    assert isinstance(back.sections, tuple) and back.tone is Tone.CELEBRATION
    assert (
        section.buttons[0].action is ActionId.OPEN_CHECKIN and section.buttons[0].style is ButtonStyle.PRIMARY
    )
    assert section.progress is not None and section.progress.status is Status.ON_TRACK
    assert section.progress.fraction != section.progress.fraction  # still NaN
    assert section.progress.expected == float("inf")
    assert back.title == "🎉 KR3 reached its target"


def test_a_stored_card_that_is_not_one_is_refused() -> None:
    stored = json.loads(card_to_json(Card("hello", buttons=(Button("Go", ActionId.SHARE, "{}"),))))
    stored["buttons"][0]["action"] = "okr.no_such_action"
    with pytest.raises(ValueError, match="action"):
        card_from_json(json.dumps(stored))
    with pytest.raises(ValueError):
        card_from_json("{not json")
