"""The App Home view: a person's cards in one `home` view of at most 100 blocks."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.views import View

from adapters.slack.home import EMPTY_TEXT, home_view
from adapters.slack.mrkdwn import neutral_mentions
from adapters.slack.render import action_from_action_id
from bot.views.actions import ActionId
from bot.views.cards import Card
from tests.adapters.slack import MAYA, SLACK, assert_round_trips, slack_company, slack_ok
from tests.harness import Harness


async def cards_for(okr: Harness, *commands: str) -> list[Card]:
    cards: list[Card] = []
    for command in commands:
        cards += (await okr.say(neutral_mentions(command), who=MAYA, **SLACK)).cards
    return cards


def action_ids(view: dict[str, Any]) -> list[str]:
    ids = []
    for block in view["blocks"]:
        if "accessory" in block:
            ids.append(block["accessory"]["action_id"])
        ids += [e["action_id"] for e in block.get("elements", []) if e.get("type") == "button"]
    return ids


async def test_home_shows_the_cards_one_after_another(okr: Harness) -> None:
    await slack_company(okr)
    cards = await cards_for(okr, "list", "show O1", "show KR1")
    view = home_view(cards).to_dict()
    assert View(**view).to_dict() == view
    for block in view["blocks"]:
        assert_round_trips(block)
    assert view["type"] == "home"
    assert not {"submit", "close", "title"} & set(view)
    assert len(view["blocks"]) <= 100
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers == [
        "Your objectives · 2026-Q4",
        "O1 Become the OKR tool small teams love",
        "KR1 Increase NPS from 30 to 50",
    ]
    assert [b["type"] for b in view["blocks"]].count("divider") == 2
    ids = action_ids(view)
    assert len(ids) == len(set(ids))  # unique across the whole view, not only within each card
    assert {action_from_action_id(i) for i in ids} >= {ActionId.SHOW_OBJECTIVE, ActionId.OPEN_CHECKIN}


async def test_a_home_with_more_than_fits_says_what_it_left_out(okr: Harness) -> None:
    await slack_ok(okr, "new Many measures")
    for n in range(1, 31):
        await slack_ok(okr, f"kr O1 Reach {n * 10} things in area {n}")
    cards = await cards_for(okr, "show O1", "show O1")  # two long cards: ~130 blocks
    view = home_view(cards).to_dict()
    assert View(**view).to_dict() == view
    blocks = view["blocks"]
    assert len(blocks) <= 100
    note = blocks[-1]
    assert note["type"] == "context"
    assert note["elements"][0]["text"].endswith("more item(s) did not fit here. /okr list shows everything.")
    left_out = int(note["elements"][0]["text"].split()[0])
    shown = sum(1 for b in blocks if b["type"] == "section" and b["text"]["text"].startswith("*KR"))
    assert shown + left_out >= 60  # every key result twice, in full or counted in the note
    # Nothing is cut in half: each key result shown keeps its facts line.
    for index, block in enumerate(blocks[:-1]):
        if block["type"] == "section" and block["text"]["text"].startswith("*KR"):
            assert blocks[index + 1]["type"] == "context"


def test_an_empty_home_invites_the_first_objective() -> None:
    view = home_view([]).to_dict()
    assert View(**view).to_dict() == view
    assert view["blocks"] == [{"type": "section", "text": {"type": "mrkdwn", "text": EMPTY_TEXT}}]


async def test_the_core_dashboard_renders_as_a_valid_home(okr: Harness) -> None:
    await slack_company(okr)
    actor = okr.actor(MAYA, admin=None, workspace=SLACK["workspace"], platform=SLACK["platform"])
    cards = await okr.bot.dashboard(actor)
    view = home_view(cards).to_dict()
    assert View(**view).to_dict() == view
    for block in view["blocks"]:
        assert_round_trips(block)
    assert 1 <= len(view["blocks"]) <= 100
    shown = json.dumps(view, ensure_ascii=False)
    for card in cards:
        assert json.dumps(card.title, ensure_ascii=False)[1:-1] in shown
    ids = action_ids(view)
    assert len(ids) == len(set(ids))
    assert all(action_from_action_id(i) is not None for i in ids)
