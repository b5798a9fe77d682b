"""Activity -> invocation parts: the small pure functions in adapters/teams/inbound.py."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.schema import Activity

from adapters.teams import inbound
from bot.invocation import ActionPress, FormSubmit
from bot.views.actions import ActionId, FormId
from tests.adapters.teams.conftest import load_activity

BOT = "28:0b6c5e2a-1d8f-4c1e-9a7b-2f3e4d5c6b7a"


def message(text: str, *mentions: tuple[str, str]) -> Activity:
    body = load_activity("channel_mention", "https://smba.trafficmanager.net/amer/", text=text)
    body["entities"] = [{"type": "mention", "text": f"<at>{name}</at>", "mentioned": {"id": who, "name": name}}
                        for who, name in mentions]  # fmt: skip
    return Activity().deserialize(body)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<at>OKR</at> list", "list"),
        ("<at>OKR</at>&nbsp;show&nbsp;O1\n", "show O1"),
        ("okr list <at>OKR</at>", "okr list"),
        ("<at>OKR</at>", ""),
        ("<p><at>OKR</at> checkin KR3 40 --note &quot;good&quot;</p>", 'checkin KR3 40 --note "good"'),
        ("<at>OKR</at> team add Growth <at>Sam Okafor</at>", "team add Growth @{|Sam Okafor}"),
    ],
)
def test_the_bots_mention_and_markup_are_stripped(text: str, expected: str) -> None:
    activity = message(text, (BOT, "OKR"), ("29:sam", "Sam Okafor"))
    assert inbound.command_text(activity) == expected


def test_a_shortened_mention_becomes_the_full_name() -> None:
    activity = message("<at>OKR</at> owner KR1 <at>Sam</at>", (BOT, "OKR"))
    activity.entities[0].additional_properties = {
        "text": "<at>OKR</at>",
        "mentioned": {"id": BOT, "name": "OKR"},
    }
    activity.entities.append(
        type(activity.entities[0])().deserialize(
            {"type": "mention", "text": "<at>Sam</at>", "mentioned": {"id": "29:sam", "name": "Sam Okafor"}}
        )
    )
    assert inbound.command_text(activity) == "owner KR1 @{|Sam Okafor}"


def test_other_mentions_are_the_people_named() -> None:
    activity = message("<at>OKR</at> owner KR1 <at>Sam Okafor</at>", (BOT, "OKR"), ("29:sam", "Sam Okafor"))
    assert [(a.id, a.name) for a in inbound.other_mentions(activity)] == [("29:sam", "Sam Okafor")]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"action": "okr.show_objective", "payload": '{"o":1}'}, ActionPress(ActionId.SHOW_OBJECTIVE, '{"o":1}')),
        ({"form": "okr.form.checkin", "state": '{"kr":1}', "value": 42, "note": "  "},
         FormSubmit(FormId.CHECKIN, '{"kr":1}', {"value": "42", "note": None})),
        ({"action": "okr.nope"}, None),
        ({"form": "okr.form.nope"}, None),
        ({"unrelated": True}, None),
        ("okr.show_objective", None),
        (None, None),
    ],
)  # fmt: skip
def test_card_data_becomes_a_press_or_a_submission(data: Any, expected: Any) -> None:
    assert inbound.card_press(data) == expected


def test_the_tenant_comes_from_channel_data_or_the_conversation() -> None:
    activity = message("x")
    assert inbound.tenant_id(activity) == "72f988bf-86f1-41af-91ab-2d7cd011db47"
    activity.channel_data = {}
    assert inbound.tenant_id(activity) == "72f988bf-86f1-41af-91ab-2d7cd011db47"
    activity.conversation.additional_properties = {}
    assert inbound.tenant_id(activity) is None


def test_a_stored_reference_points_at_the_channel_not_the_thread() -> None:
    activity = message("x")
    reference = inbound.reference_of(inbound.reference_json(activity))
    assert reference.conversation.id == "19:3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f@thread.tacv2"
    assert reference.activity_id is None
    assert activity.conversation.id.endswith(";messageid=1763985900456")  # the activity itself is untouched
