"""Card actions: Action.Execute invokes answered with the refreshed card, Action.Submit messages updating it."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from storage.tables import CheckIn, KeyResult, Member, Objective
from tests.adapters.teams.conftest import SAM, TeamsApp
from tests.adapters.teams.test_install import ROSTER
from tests.adapters.teams.test_messages import PERSONAL_CHAT, rows, texts


async def company(teams: TeamsApp) -> None:
    await teams.say("new Grow revenue")  # O1
    await teams.say("kr O1 Increase NPS from 30 to 50")  # KR1, Maya's


def execute(teams: TeamsApp, data: dict[str, Any]) -> dict[str, Any]:
    activity = teams.activity("card_execute")
    activity["value"]["action"]["data"] = data
    return activity


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input."):
                found[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("Action.Execute", "Action.ShowCard"):
                found.append(node)
            for key, value in node.items():
                if key != "fallback":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


async def test_checkin_opens_a_form_card_with_inputs(teams: TeamsApp) -> None:
    await company(teams)
    await teams.say("checkin KR1")

    form = teams.connector.cards()[-1]
    fields = inputs(form)
    assert fields["value"]["type"] == "Input.Number"
    assert fields["confidence"]["type"] == "Input.ChoiceSet"
    assert {c["value"] for c in fields["confidence"]["choices"]} == {"on-track", "at-risk", "off-track"}
    assert fields["note"]["type"] == "Input.Text" and fields["note"]["isMultiline"] is True
    [submit] = form["actions"]
    assert submit["type"] == "Action.Execute"
    assert submit["data"] == {"form": "okr.form.checkin", "state": '{"kr":1}'}
    assert submit["fallback"]["type"] == "Action.Submit"


async def test_an_execute_submission_answers_with_the_result_card_in_place_of_the_form(
    teams: TeamsApp,
) -> None:
    await company(teams)
    response = await teams.post(teams.activity("card_execute"))

    assert response.status == 200
    body = await response.json()
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    result = body["value"]
    assert inputs(result) == {}  # no longer a form: nothing left to click twice
    assert "42" in texts(result)
    [kr] = await rows(teams, select(KeyResult))
    assert kr.current_value == 42
    [check_in] = await rows(teams, select(CheckIn))
    assert check_in.note == "Two big renewals slipped"


async def test_an_invalid_execute_submission_redraws_the_form_with_the_error_and_writes_nothing(
    teams: TeamsApp,
) -> None:
    await company(teams)
    data = {"form": "okr.form.checkin", "state": '{"kr":1}', "value": "lots", "confidence": "at-risk",
            "note": "kept"}  # fmt: skip
    response = await teams.post(execute(teams, data))

    body = await response.json()
    card = body["value"]
    fields = inputs(card)
    assert set(fields) == {"value", "confidence", "note"}
    assert fields["note"]["value"] == "kept"  # what they typed survives
    assert fields["confidence"]["value"] == "at-risk"
    assert "⚠" in texts(card)
    assert await rows(teams, select(CheckIn)) == []


async def test_an_action_submit_message_updates_the_card_it_came_from(teams: TeamsApp) -> None:
    await company(teams)
    await teams.post(teams.activity("card_submit"))

    [update] = teams.connector.updated()
    assert update.conversation_id == PERSONAL_CHAT
    assert update.activity_id == "1763985660000"
    [attachment] = update.body["attachments"]
    assert inputs(attachment["content"]) == {}
    assert "42" in texts(attachment["content"])
    [kr] = await rows(teams, select(KeyResult))
    assert kr.current_value == 42


async def test_a_button_that_opens_a_form_sends_it_and_leaves_the_card(teams: TeamsApp) -> None:
    await company(teams)
    await teams.say("show KR1")
    [check_in] = [a for a in actions(teams.connector.cards()[-1]) if a["title"] == "Check in"]
    before = len(teams.connector.sent())

    response = await teams.post(execute(teams, check_in["data"]))

    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert len(teams.connector.sent()) == before + 1
    assert set(inputs(teams.connector.cards()[-1])) == {"value", "confidence", "note"}


async def test_archive_asks_first_then_archives(teams: TeamsApp) -> None:
    await company(teams)
    await teams.say("show O1")
    [archive] = [a for a in actions(teams.connector.cards()[-1]) if a["type"] == "Action.ShowCard"]
    assert archive["title"] == "Archive"
    assert archive["type"] == "Action.ShowCard"  # the confirmation step
    [confirm] = archive["card"]["actions"]
    assert confirm["type"] == "Action.Execute"

    response = await teams.post(execute(teams, confirm["data"]))

    assert response.status == 200
    [objective] = await rows(teams, select(Objective))
    assert objective.state == "archived"


async def test_card_data_we_did_not_make_is_refused_politely(teams: TeamsApp) -> None:
    for data in ({"action": "okr.launch_rockets", "payload": "{}"}, {"form": "nope"}, "text", None):
        response = await teams.post(execute(teams, data))  # type: ignore[arg-type]
        assert response.status == 200
        body = await response.json()
        assert body["statusCode"] == 400
    tampered = {"action": "okr.show_objective", "payload": json.dumps({"o": "DROP TABLE"})}
    response = await teams.post(execute(teams, tampered))
    assert response.status == 200
    assert "out of date" in texts(teams.connector.cards()[-1])


async def test_a_person_field_picks_from_the_roster_by_teams_id(teams: TeamsApp) -> None:
    teams.connector.roster = ROSTER
    await teams.post(teams.activity("team_install"))
    await company(teams)
    await teams.say("show O1")
    [add] = [a for a in actions(teams.connector.cards()[-1]) if a["title"] == "Add key result"]
    await teams.post(execute(teams, add["data"]))

    form = teams.connector.cards()[-1]
    owner = inputs(form)["owner"]
    assert owner["type"] == "Input.ChoiceSet" and owner["style"] == "filtered"
    assert {c["title"]: c["value"] for c in owner["choices"]}["Sam Okafor"] == SAM
    [submit] = form["actions"]
    data = {**submit["data"], "title": "Reach 200 paying customers", "kind": "increase", "target": "200",
            "owner": SAM}  # fmt: skip
    response = await teams.post(execute(teams, data))

    assert "KR2" in texts((await response.json())["value"])
    [kr] = await rows(teams, select(KeyResult).where(KeyResult.number == 2))
    [sam] = await rows(teams, select(Member).where(Member.id == kr.owner_id))
    assert (sam.platform_user_id, sam.display_name) == (SAM, "Sam Okafor")
