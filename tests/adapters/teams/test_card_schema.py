"""Every card the bot can produce is a valid Adaptive Card 1.5, as Microsoft's own library reads it."""

from __future__ import annotations

from typing import Any

from adapters.teams import render
from adapters.teams.install import welcome_card
from bot.views.actions import ActionId, FormId
from bot.views.cards import (
    Button,
    ButtonStyle,
    Card,
    Choice,
    Confirm,
    FieldKind,
    Form,
    FormField,
    Person,
    Progress,
    Section,
)
from tests.adapters.teams.adaptive_cards import problems
from tests.adapters.teams.conftest import TeamsApp
from tests.adapters.teams.test_cards import actions, company, execute
from tests.adapters.teams.test_install import ROSTER

COMMANDS = [
    "help", "help checkin", "list", "list all", "list company", "show O1", "show KR1", "new", "checkin KR1",
    "checkin KR1 35 --confidence at-risk --note ok", "kr O1", "initiative KR1 Run a survey", "show O2",
    "team create Growth", "cycle", "export", "bogus command", "checkin KR9 5",
]  # fmt: skip


async def every_card(teams: TeamsApp) -> list[dict[str, Any]]:
    """Drive the bot through its commands, buttons and forms over HTTP; every card it drew, in order."""
    teams.connector.roster = ROSTER
    await teams.post(teams.activity("personal_install"))
    await teams.post(teams.activity("team_install"))
    await company(teams)
    for index in range(12):  # enough objectives for a "Show more"
        await teams.say(f"new Objective number {index} for the quarter")
    for text in COMMANDS:
        await teams.say(text)
    drawn = list(teams.connector.cards())
    before_presses = len(drawn)
    pressed: set[str] = set()
    for card in list(drawn):
        for action in actions(card):
            for candidate in [action, *action.get("card", {}).get("actions", [])]:
                data = candidate.get("data")
                if candidate["type"] == "Action.Execute" and data and str(data) not in pressed:
                    pressed.add(str(data))
                    body = await (await teams.post(execute(teams, data))).json()
                    if body.get("type") == "application/vnd.microsoft.card.adaptive":
                        drawn.append(body["value"])
    bad = {"form": "okr.form.checkin", "state": '{"kr":1}', "value": "lots", "confidence": "nope"}
    drawn.append((await (await teams.post(execute(teams, bad))).json())["value"])
    return [*drawn, *teams.connector.cards()[before_presses:]]  # and what the presses sent as new messages


async def test_every_card_the_bot_draws_is_valid_adaptive_card_1_5(teams: TeamsApp) -> None:
    cards = await every_card(teams)
    print(f"validated {len(cards)} cards")
    assert len(cards) > 40  # the walk really covered the bot
    kinds = {node for card in cards for node in _types(card)}
    assert {
        "Input.Number",
        "Input.ChoiceSet",
        "Input.Text",
        "Input.Toggle",
        "Action.ShowCard",
        "FactSet",
    } <= kinds
    assert problems(cards) == []


def test_every_field_kind_and_button_style_renders_valid() -> None:
    fields = tuple(FormField(kind.value, kind.value.title(), kind, required=True, initial="1", hint="h",
                             placeholder="p", max_length=10) for kind in FieldKind)  # fmt: skip
    form = Form(FormId.NEW_OBJECTIVE, "All kinds", fields, "Go", "{}", intro="Every field kind")
    buttons = tuple(
        Button(style.value, ActionId.SHOW_OBJECTIVE, '{"o":1}', style, Confirm("Sure?", "Really", "Yes"))
        for style in ButtonStyle
    )
    card = Card("Everything", subtitle="s", buttons=buttons, hints=("a",), footer="f", sections=(
        Section(text="t", ref="O1", heading="h", owner=Person("u", "Maya"), progress=Progress(0.5, None, 0.6),
                facts=(), buttons=buttons, depth=0),
        Section(text="deep", depth=2),
        Section(),
    ))  # fmt: skip
    people = (Choice("29:1", "Maya Lopez"), Choice("29:2", "Sam Okafor"))
    cards = [render.card(card), render.form(form), render.form(form, errors={"number": "bad", "other": "x"})]
    cards.append(render.form(form, people=people, values={"user": "29:2"}))
    assert any(i.get("style") == "filtered" for i in cards[-1]["body"])
    cards.append(render.card(welcome_card(personal=False)))
    assert problems(cards) == []


def test_the_check_catches_a_broken_card() -> None:
    broken = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "ProgressRing"}, {"type": "Input.Text"}],
    }
    found = problems([broken])
    assert any("ProgressRing" in problem for problem in found), found
    assert any("inputs must have a unique Id" in problem for problem in found), found


def _types(node: Any) -> set[str]:
    if isinstance(node, dict):
        here = {node["type"]} if isinstance(node.get("type"), str) else set()
        return here.union(*(_types(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_types(item) for item in node))
    return set()
