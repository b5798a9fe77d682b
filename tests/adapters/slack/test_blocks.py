"""Cards from the real core rendered as Block Kit messages: Slack's limits, mentions, escaping, buttons."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.slack.mrkdwn import escape, neutral_mentions, progress_bar, slack_length, split_text, unescape
from adapters.slack.render import action_from_action_id, card_messages, message_payload
from bot.domain.enums import Status
from bot.invocation import ActionPress
from bot.views.actions import ActionId, ShowMorePayload
from bot.views.cards import Button, Card, Person, Progress, Response, Section, Tone
from tests.adapters.slack import MAYA, SAM, SLACK, assert_round_trips, slack_company, slack_ok
from tests.harness import Harness

# One command for every kind of card the core makes.
COMMANDS = [
    "list",
    "list all",
    "list at-risk",
    "show O1",
    "show KR1",
    "show O2 share",
    "checkin KR3 12 --confidence on-track halfway",
    "checkin KR3 15",  # reaches its target: the celebration card
    "help",
    "help kr",
    "bogus words",  # an error with a usage hint
    "show O99",
    "delete O2",  # the "are you sure?" card
    "initiative KR1 Interview ten detractors",
    "rename O2 Turn more trials into paying teams",
    "cycle list",
    f"owner KR1 <@{SAM}|sam>",
    "team create Ops",
    "export csv",
]


def blocks_of(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [block for message in messages for block in message["blocks"]]


def buttons_in(message: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for block in message["blocks"]:
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
    return found


def texts_of(messages: list[dict[str, Any]]) -> str:
    """Every text a person reads in the messages, in order."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for key, value in node.items():
                if key != "confirm":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks_of(messages))
    return "\n".join(parts)


def assert_valid_message(message: dict[str, Any]) -> None:
    """What Slack requires of one message, checked on its wire dict."""
    assert set(message) == {"text", "blocks"}
    assert message["text"].strip()
    assert 1 <= len(message["blocks"]) <= 50
    for block in message["blocks"]:
        assert_round_trips(block)
        if block["type"] == "section":
            assert slack_length(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert slack_length(block["text"]["text"]) <= 150
        if block["type"] == "context":
            assert 1 <= len(block["elements"]) <= 10
    action_ids = [button["action_id"] for button in buttons_in(message)]
    assert len(action_ids) == len(set(action_ids)), action_ids


@pytest.mark.parametrize("command", COMMANDS)
async def test_every_card_the_core_makes_is_valid_block_kit(okr: Harness, command: str) -> None:
    await slack_company(okr)
    response = await okr.say(neutral_mentions(command), who=MAYA, admin=True, **SLACK)
    messages = message_payload(response)
    assert len(messages) == len(response.cards)  # none of these is longer than one message
    for message in messages:
        assert_valid_message(message)
    # Every card's title and every section's ref reach the person.
    shown = texts_of(messages)
    for card in response.cards:
        assert escape(card.title) in shown or card.title in shown
        for section in card.sections:
            assert section.ref is None or section.ref in shown


async def test_each_button_carries_its_action_and_value_back_to_the_core(okr: Harness) -> None:
    await slack_company(okr)
    response = await okr.say("show O1", who=MAYA, **SLACK)
    [message] = message_payload(response)
    elements = buttons_in(message)
    [card] = response.cards
    core_buttons = [*(b for section in card.sections for b in section.buttons), *card.buttons]
    assert [(action_from_action_id(e["action_id"]), e["value"]) for e in elements] == [
        (b.action, b.value) for b in core_buttons
    ]
    assert [e["text"]["text"] for e in elements] == [
        "Check in",
        "Check in",
        "Add key result",
        "Archive",
        "Share",
    ]
    # Pressing what Slack sends back works in the core: Check in on KR1 opens its form.
    action = action_from_action_id(elements[0]["action_id"])
    assert action is ActionId.OPEN_CHECKIN
    pressed = await okr.invoke(ActionPress(action, elements[0]["value"]), who=MAYA, **SLACK)
    assert pressed.form is not None and pressed.form.title == "Check in on KR1"
    check_in = elements[0]
    assert check_in["style"] == "primary"
    archive = elements[3]
    assert archive["style"] == "danger"
    assert archive["confirm"]["title"]["text"] == "Archive O1?"
    assert archive["confirm"]["confirm"]["text"] == "Archive"
    assert archive["confirm"]["deny"]["text"] == "Cancel"
    assert archive["confirm"]["style"] == "danger"


async def test_owners_are_mentions_and_progress_has_bar_status_and_pace(okr: Harness) -> None:
    await slack_company(okr)
    [message] = message_payload(await okr.say("show O1", who=MAYA, **SLACK))
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    kr1 = next(text for text in sections if text.startswith("*KR1 "))
    kr2 = next(text for text in sections if text.startswith("*KR2 "))
    assert kr1.splitlines()[0] == f"*KR1 Increase NPS from 30 to 50*  <@{MAYA}>"
    assert kr1.splitlines()[1] == "`██░░░░░░░░` 25%  🟡 at risk · expected 59%"
    assert kr2.splitlines()[0] == f"*KR2 Reach 200 paying customers*  <@{SAM}>"
    facts = [b["elements"][0]["text"] for b in message["blocks"] if b["type"] == "context"]
    assert "*Value:* 35 of 50 NPS (from 30)   *Last check-in:* today   *Confidence:* at risk" in facts


async def test_text_people_typed_is_escaped_but_their_mentions_stay_live(okr: Harness) -> None:
    await slack_ok(okr, 'new "Keep p99 <200ms & *errors* low"')
    await slack_ok(okr, "kr O1 Ship 3 fixes")
    await slack_ok(okr, f"checkin KR1 1 thanks <@{SAM}|sam> & <!channel> see <https://example.com|the doc>")
    [listing] = message_payload(await okr.say("list", who=MAYA, **SLACK))
    assert "*O1 Keep p99 &lt;200ms &amp; ∗errors∗ low*" in texts_of([listing])
    [card] = message_payload(await okr.say("show KR1", who=MAYA, **SLACK))
    check_in = texts_of([card])
    assert f"thanks <@{SAM}|sam> &amp; &lt;!channel&gt; see <https://example.com|the doc>" in check_in
    assert "<!channel>" not in check_in  # a note never pings a whole channel
    [show] = message_payload(await okr.say("show O1", who=MAYA, **SLACK))
    header = show["blocks"][0]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "O1 Keep p99 <200ms & *errors* low", "emoji": True},
    }  # plain text: shown as typed, no escaping needed
    assert show["text"] == "O1 Keep p99 &lt;200ms &amp; *errors* low"


async def test_a_long_list_stays_inside_one_message_with_show_more(okr: Harness) -> None:
    for n in range(23):
        await slack_ok(okr, f"new Objective number {n} with a reasonably long title to fill the page")
    [page] = message_payload(await okr.say("list", who=MAYA, **SLACK))
    assert_valid_message(page)
    more = [b for b in buttons_in(page) if action_from_action_id(b["action_id"]) is ActionId.SHOW_MORE]
    assert len(more) == 1
    assert ShowMorePayload.model_validate_json(more[0]["value"]).offset == 20
    pressed = await okr.invoke(ActionPress(ActionId.SHOW_MORE, more[0]["value"]), who=MAYA, **SLACK)
    [second] = message_payload(pressed)
    assert_valid_message(second)
    assert "Showing 21–23" in texts_of([second])


async def test_a_card_too_long_for_one_message_continues_in_the_next(okr: Harness) -> None:
    await slack_ok(okr, "new Many measures")
    for n in range(1, 31):
        await slack_ok(okr, f"kr O1 Reach {n * 10} things in area {n}")
    response = await okr.say("show O1", who=MAYA, **SLACK)
    messages = message_payload(response)
    assert len(messages) == 2
    for message in messages:
        assert_valid_message(message)
    assert messages[1]["blocks"][0] == {
        "type": "context",
        "elements": [{"type": "plain_text", "text": "O1 Many measures (continued)", "emoji": True}],
    }
    shown = texts_of(messages)
    for n in range(1, 31):
        assert shown.count(f"*KR{n} Reach {n * 10} things in area {n}*") == 1  # each once: none lost
    # The card's own buttons close the last message, and ids stay unique across both.
    ids = [b["action_id"] for m in messages for b in buttons_in(m)]
    assert len(ids) == len(set(ids)) == 30 + 3
    assert [b["text"]["text"] for b in buttons_in(messages[1])][-3:] == ["Add key result", "Archive", "Share"]


async def test_a_title_too_long_for_a_header_is_cut_there_and_shown_in_full_below(okr: Harness) -> None:
    title = "Make " + "every customer conversation count " * 4 + "and some more words to pass 150"
    await slack_ok(okr, f'new "{title}"')
    [message] = message_payload(await okr.say("show O1", who=MAYA, **SLACK))
    header, full = message["blocks"][0], message["blocks"][1]
    assert header["type"] == "header" and header["text"]["text"].endswith("…")
    assert slack_length(header["text"]["text"]) == 150
    assert full["text"]["text"] == f"*O1 {title.strip()}*"


def test_section_text_longer_than_slack_allows_becomes_several_sections() -> None:
    paragraph = "A sentence with & and < that goes on. " * 200  # ~7,600 characters, escapes longer still
    card = Card(title="Notes", sections=(Section(text=paragraph),))
    [message] = [m.to_dict() for m in card_messages(card)]
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert len(sections) >= 3
    assert all(slack_length(text) <= 3000 for text in sections)
    assert unescape(" ".join(sections)).split() == paragraph.split()


def test_laid_out_text_keeps_its_columns_in_a_code_block() -> None:
    card = Card(title="okr help", sections=(Section(text="Objectives\n  okr list   List <things>"),))
    [message] = message_payload(Response.card(card))
    assert message["blocks"][1]["text"]["text"] == "```Objectives\n  okr list   List &lt;things&gt;```"


def test_a_button_whose_payload_slack_cannot_carry_is_named_not_dropped() -> None:
    words = "list " + "x" * 2100
    value = ShowMorePayload(words=words, offset=20, rank=1, number=3).dump()
    card = Card(
        title="Objectives",
        sections=(Section(text="…"),),
        buttons=(Button("Show more", ActionId.SHOW_MORE, value),),
    )
    [message] = message_payload(Response.card(card))
    assert_valid_message(message)
    assert buttons_in(message) == []
    assert "“Show more” can't be offered here" in texts_of([message])


def test_form_errors_in_a_response_are_shown_as_an_error_card() -> None:
    [message] = message_payload(Response(errors={"value": "“lots” is not a number."}))
    assert_valid_message(message)
    assert message["text"] == "❌ That did not go through"
    assert "value: “lots” is not a number." in texts_of([message])


def test_tone_is_an_emoji_before_the_title() -> None:
    for tone, emoji in [
        (Tone.SUCCESS, "✅"),
        (Tone.CELEBRATION, "🎉"),
        (Tone.ERROR, "❌"),
        (Tone.WARNING, "⚠️"),
    ]:
        card = Card(title="Done", tone=tone, sections=(Section(text="x"),))
        [message] = message_payload(Response.card(card))
        assert message["blocks"][0]["text"]["text"] == f"{emoji} Done"
    [plain] = message_payload(Response.card(Card(title="Done", sections=(Section(text="x"),))))
    assert plain["blocks"][0]["text"]["text"] == "Done"


def test_action_ids_map_back_to_their_action() -> None:
    assert action_from_action_id("okr.open_checkin#3") is ActionId.OPEN_CHECKIN
    assert action_from_action_id("okr.share") is ActionId.SHARE
    assert action_from_action_id("okr.nonsense#1") is None
    assert action_from_action_id("") is None
    assert action_from_action_id("#1") is None


def test_a_person_who_is_not_a_slack_member_is_named_not_mentioned() -> None:
    section = Section(heading="Goal", owner=Person("kim", "Kim <the boss>"))
    [message] = message_payload(Response.card(Card(title="T", sections=(section,))))
    assert message["blocks"][1]["text"]["text"] == "*Goal*  Kim &lt;the boss&gt;"


def test_escape_keeps_user_channel_mentions_and_links_only() -> None:
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert escape("hi <@U123> and <@W9|jo> in <#C42|general>") == "hi <@U123> and <@W9|jo> in <#C42|general>"
    assert escape("<!here> <!channel> <!subteam^S1>") == "&lt;!here&gt; &lt;!channel&gt; &lt;!subteam^S1&gt;"
    assert escape("<https://x.io/a?b=1|docs>") == "<https://x.io/a?b=1|docs>"
    assert escape("<javascript:alert(1)>") == "&lt;javascript:alert(1)&gt;"
    assert unescape("a &lt; b &amp;lt; c") == "a < b &lt; c"


def test_split_text_never_cuts_an_escape_or_a_mention() -> None:
    text = ("word " * 5 + "&amp; <@U0SAM> ") * 300
    pieces = split_text(text, 100)
    assert all(slack_length(piece) <= 100 for piece in pieces)
    for piece in pieces:
        assert piece.count("&") == piece.count("&amp;")
        assert piece.count("<") == piece.count("<@U0SAM>")


def test_progress_bar() -> None:
    assert progress_bar(Progress(0.5, Status.AT_RISK, 0.6)) == "`█████░░░░░` 50%  🟡 at risk · expected 60%"
    assert progress_bar(Progress(1.2, Status.ON_TRACK, 0.6)) == "`██████████` 120%  🟢 on track"
    assert progress_bar(Progress(0.0, Status.BEHIND)) == "`░░░░░░░░░░` 0%  🔴 behind"
    assert progress_bar(Progress(0.7)) == "`███████░░░` 70%"


def test_message_dicts_are_json() -> None:
    card = Card(title="T", sections=(Section(text="x", owner=Person("U1AB", "a")),))
    assert json.loads(json.dumps(message_payload(Response.card(card))))
