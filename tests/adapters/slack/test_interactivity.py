"""Buttons and modals over signed HTTP, in Slack's payload= wire format."""

from __future__ import annotations

from typing import Any

from tests.adapters.slack import wire
from tests.adapters.slack.conftest import SlackRig


async def _objective_with_kr(slack: SlackRig) -> None:
    assert (await slack.command("new Delight our first customers")).status == 200
    assert (await slack.command("kr O1 Reach 100 paying customers")).status == 200


def _checkin_submission(slack: SlackRig, value: str, *, response_url: str) -> dict[str, Any]:
    payload = wire.fixture_json("view_submission_checkin.json")
    payload["view"]["state"]["values"]["value"]["value"]["value"] = value
    memo = f'{{"s":"{{\\"kr\\":1}}","r":"{response_url}","c":"C2147483705"}}'
    payload["view"]["private_metadata"] = memo
    return payload


async def test_check_in_button_opens_the_prefilled_modal(slack: SlackRig) -> None:
    await _objective_with_kr(slack)
    press = wire.button_press("okr.open_checkin#2", '{"kr":1}', response_url=slack.api.mint_response_url())

    reply = await slack.interact(press)
    await slack.settled()

    assert (reply.status, reply.text) == (200, "")
    (opened,) = slack.api.calls("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "okr.form.checkin"
    assert view["title"]["text"].startswith("Check in")
    assert '"s":"{\\"kr\\":1}"' in view["private_metadata"]


async def test_submitting_the_modal_checks_in_and_answers_where_it_was_opened(slack: SlackRig) -> None:
    await _objective_with_kr(slack)
    url = slack.api.mint_response_url()

    reply = await slack.interact(_checkin_submission(slack, "42", response_url=url))
    await slack.settled()

    assert (reply.status, reply.text) == (200, "")  # an empty ack closes the modal
    (posted,) = slack.api.responses(url)
    assert "KR1" in posted.body["text"] and posted.body["response_type"] == "ephemeral"
    shown = (await slack.command("show KR1")).text
    assert "42" in shown and "Two launches slipped" in shown


async def test_invalid_modal_input_is_shown_beside_the_field_and_nothing_is_written(slack: SlackRig) -> None:
    await _objective_with_kr(slack)
    before = (await slack.command("show KR1")).text

    reply = await slack.interact(
        _checkin_submission(slack, "lots", response_url=slack.api.mint_response_url())
    )

    assert reply.status == 200
    assert reply.json() == {"response_action": "errors", "errors": {"value": "“lots” is not a number."}}
    assert (await slack.command("show KR1")).text == before


async def test_closing_a_modal_is_acknowledged_and_changes_nothing(slack: SlackRig) -> None:
    reply = await slack.interact(wire.fixture_json("view_closed.json"))

    assert reply.status == 200
    assert slack.api.calls("chat.postMessage") == []


async def test_archive_button_replaces_the_card(slack: SlackRig) -> None:
    await _objective_with_kr(slack)
    url = slack.api.mint_response_url()

    await slack.interact(wire.button_press("okr.archive_objective", '{"o":1}', response_url=url))
    await slack.settled()

    (posted,) = slack.api.responses(url)
    assert posted.body["replace_original"] is True
    assert "Archived O1" in posted.body["text"]


async def test_a_stale_button_gets_a_polite_message(slack: SlackRig) -> None:
    url = slack.api.mint_response_url()

    reply = await slack.interact(wire.button_press("okr.retired_feature", "{}", response_url=url))
    await slack.settled()

    assert reply.status == 200
    (posted,) = slack.api.responses(url)
    assert "older version of the bot" in posted.body["text"]


async def test_a_tampered_button_value_is_refused_politely(slack: SlackRig) -> None:
    url = slack.api.mint_response_url()

    await slack.interact(wire.button_press("okr.open_checkin", '{"kr":"DROP TABLE"}', response_url=url))
    await slack.settled()

    (posted,) = slack.api.responses(url)
    assert "out of date" in posted.body["text"]
    assert slack.api.calls("views.open") == []


async def test_a_late_answer_goes_through_response_url(slack: SlackRig) -> None:
    from adapters.bootstrap import SLACK

    slack.server.app[SLACK].routes.answer_within = 0  # as if the database were slow
    url = slack.api.mint_response_url()

    reply = await slack.command("new Ship the beta", response_url=url)
    await slack.settled()

    assert (reply.status, reply.text) == (200, "")
    (posted,) = slack.api.responses(url)
    assert "Ship the beta" in posted.body["text"]
