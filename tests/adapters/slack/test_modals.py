"""The core's forms as Slack modals, and recorded view_submission payloads read back into the core."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.views import View

from adapters.slack.modals import FORM_FIELDS, BadViewState, errors_response, form_values, modal_view
from bot.invocation import FormSubmit
from bot.views.actions import FormId
from bot.views.cards import FieldKind, Form, FormField
from tests.adapters.slack import MAYA, SAM, SLACK, slack_company, slack_ok
from tests.harness import Harness

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "slack"


def recorded(name: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return payload


async def form_of(okr: Harness, command: str) -> Form:
    response = await okr.say(command, who=MAYA, admin=True, **SLACK)
    assert response.form is not None, response
    return response.form


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}


async def submit(okr: Harness, payload: dict[str, Any]) -> Any:
    """What the Slack adapter does with a view_submission: form id, state and values into the core."""
    view = payload["view"]
    form_id = FormId(view["callback_id"])
    state = json.loads(view["private_metadata"])["s"]
    values = form_values(form_id, view["state"]["values"])
    return await okr.invoke(FormSubmit(form_id, state, values), who=payload["user"]["id"], **SLACK)


@pytest.mark.parametrize(
    ("command", "form_id"),
    [("new", FormId.NEW_OBJECTIVE), ("kr O1", FormId.NEW_KEY_RESULT), ("checkin KR1", FormId.CHECKIN)],
)
async def test_every_form_the_core_makes_is_a_valid_modal(
    okr: Harness, command: str, form_id: FormId
) -> None:
    await slack_company(okr)
    form = await form_of(okr, command)
    view = modal_view(form).to_dict()
    assert View(**view).to_dict() == view  # slack_sdk reads it back without losing a field
    assert view["type"] == "modal"
    assert view["callback_id"] == form_id.value
    assert view["private_metadata"] == form.state
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24
    fields = inputs(view)
    assert list(fields) == [field.name for field in form.fields] == list(FORM_FIELDS[form_id])
    for field in form.fields:
        block = fields[field.name]
        assert block["element"]["action_id"] == field.name
        assert block["label"]["text"] == field.label
        assert block["optional"] is (not field.required)
        assert ("hint" in block) is (field.hint is not None)


async def test_field_kinds_become_the_matching_slack_elements(okr: Harness) -> None:
    await slack_company(okr)
    new_kr = inputs(modal_view(await form_of(okr, "kr O1")).to_dict())
    assert {name: block["element"]["type"] for name, block in new_kr.items()} == {
        "title": "plain_text_input",
        "kind": "static_select",
        "start": "number_input",
        "target": "number_input",
        "unit": "plain_text_input",
        "owner": "users_select",
    }
    assert new_kr["title"]["element"]["max_length"] == 200
    assert new_kr["start"]["element"]["is_decimal_allowed"] is True
    assert new_kr["kind"]["element"]["initial_option"]["value"] == "increase"
    assert len(new_kr["kind"]["element"]["options"]) == 5

    new_objective = inputs(modal_view(await form_of(okr, "new")).to_dict())
    assert new_objective["aspirational"]["element"]["type"] == "checkboxes"
    assert new_objective["aspirational"]["element"]["options"][0]["value"] == "true"
    assert "initial_options" not in new_objective["aspirational"]["element"]

    check_in = modal_view(await form_of(okr, "checkin KR1")).to_dict()
    fields = inputs(check_in)
    assert fields["value"]["element"] == {
        "type": "number_input",
        "action_id": "value",
        "is_decimal_allowed": True,
        "initial_value": "35",
    }
    assert fields["value"]["label"]["text"] == "New value (target 50)"
    assert fields["confidence"]["element"]["initial_option"]["value"] == "at-risk"  # the last one given
    assert fields["note"]["element"]["multiline"] is True
    assert check_in["blocks"][0]["text"]["text"] == "Increase NPS from 30 to 50"  # the intro


async def test_a_milestone_check_in_is_a_done_or_not_choice(okr: Harness) -> None:
    await slack_ok(okr, "new Launch")
    await slack_ok(okr, "kr O1 Ship the beta --type milestone")
    value = inputs(modal_view(await form_of(okr, "checkin KR1")).to_dict())["value"]["element"]
    assert value["type"] == "static_select"
    assert [o["value"] for o in value["options"]] == ["1", "0"]
    assert value["initial_option"]["value"] == "0"


async def test_a_recorded_key_result_submission_creates_it_as_submitted(okr: Harness) -> None:
    await slack_company(okr)
    payload = recorded("view_submission_new_key_result.json")
    assert form_values(FormId.NEW_KEY_RESULT, payload["view"]["state"]["values"]) == {
        "title": "Cut time to first value",
        "kind": "decrease",
        "start": "40",
        "target": "12.5",
        "unit": "minutes",
        "owner": SAM,  # users_select gives the bare id: the core takes it as the member's Slack id
    }
    response = await submit(okr, payload)
    assert not response.errors
    kr = next(s for s in response.cards[0].sections if s.heading == "Cut time to first value")
    assert kr.ref == "KR4"
    assert kr.owner is not None and kr.owner.user_id == SAM
    assert ("Value", "40 of 12.5 minutes (from 40)") in [(f.label, f.value) for f in kr.facts]


async def test_a_submission_the_core_refuses_shows_errors_beside_their_fields(okr: Harness) -> None:
    await slack_company(okr)
    payload = recorded("view_submission_new_objective.json")
    values = form_values(FormId.NEW_OBJECTIVE, payload["view"]["state"]["values"])
    assert values == {
        "title": "Win the mid-market",
        "level": "team",
        "team": None,
        "parent": None,
        "aspirational": "true",
        "private": None,
    }
    before = await okr.snapshot()
    refused = await submit(okr, payload)
    assert refused.errors == {"team": "A team objective needs its team."}
    answer = errors_response(refused.errors)
    assert answer == {"response_action": "errors", "errors": {"team": "A team objective needs its team."}}
    assert set(answer["errors"]) <= set(inputs(payload["view"]))  # each names a block in the modal
    assert await okr.snapshot() == before

    fixed = copy.deepcopy(payload)
    fixed["view"]["state"]["values"]["team"]["team"]["value"] = "Growth"
    created = await submit(okr, fixed)
    assert not created.errors
    assert created.cards[0].title == "O3 Win the mid-market"
    assert created.cards[0].subtitle == "Growth · aspirational"


def test_an_error_about_a_field_the_modal_lacks_is_shown_under_its_first_field() -> None:
    answer = errors_response(
        {"weight": "A weight is a number above 0.", "title": "The title is empty."}, FormId.NEW_KEY_RESULT
    )
    assert answer == {
        "response_action": "errors",
        "errors": {"title": "A weight is a number above 0. The title is empty."},
    }


def test_state_values_of_other_shapes_are_refused() -> None:
    good = recorded("view_submission_new_key_result.json")["view"]["state"]["values"]
    broken_states: list[dict[str, Any]] = [
        {"title": "not an object"},
        {"title": {"other_action": {"type": "plain_text_input", "value": "x"}}},
        {"title": {"title": {"type": "datepicker", "selected_date": "2026-11-24"}}},
        {"title": {"title": {"type": "plain_text_input", "value": 12}}},
        {"kind": {"kind": {"type": "static_select", "selected_option": "increase"}}},
        {"owner": {"owner": {"type": "users_select", "selected_user": "<!channel>"}}},
        {"start": {"start": {"type": "checkboxes", "selected_options": "yes"}}},
    ]
    for broken in broken_states:
        with pytest.raises(BadViewState):
            form_values(FormId.NEW_KEY_RESULT, {**good, **broken})
    with pytest.raises(BadViewState):
        form_values(FormId.NEW_KEY_RESULT, [])  # type: ignore[arg-type]


def test_unfilled_fields_and_blocks_slack_left_out_read_as_empty() -> None:
    values = form_values(
        FormId.CHECKIN,
        {
            "value": {"value": {"type": "number_input", "value": "7"}},
            "confidence": {"confidence": {"type": "static_select", "selected_option": None}},
            "stray": {"stray": {"type": "plain_text_input", "value": "ignored: not a field of this form"}},
        },
    )
    assert values == {"value": "7", "confidence": None}


def test_long_titles_and_labels_fit_slack_and_the_full_title_is_still_shown() -> None:
    form = Form(
        form_id=FormId.CHECKIN,
        title="Check in on KR1234567 of the big one",
        fields=(
            FormField("value", "New value", FieldKind.NUMBER, required=True, initial="1.2k"),
            FormField("owner", "Owner", FieldKind.USER, initial="U0SAM"),
            FormField("done", "Done", FieldKind.CHECKBOX, initial="true"),
        ),
        submit_label="Record this check-in right now please",
        state='{"kr":1234567}',
    )
    view = modal_view(form).to_dict()
    assert View(**view).to_dict() == view
    assert view["title"]["text"] == "Check in on KR1234567 o…"
    assert view["submit"]["text"] == "Record this check-in ri…"
    assert view["blocks"][0]["text"]["text"] == "*Check in on KR1234567 of the big one*"
    fields = inputs(view)
    # "1.2k" is a number to the core but not to Slack's number_input: offered as text, not lost.
    assert fields["value"]["element"]["type"] == "plain_text_input"
    assert fields["value"]["element"]["initial_value"] == "1.2k"
    assert fields["owner"]["element"]["initial_user"] == "U0SAM"
    assert fields["done"]["element"]["initial_options"][0]["value"] == "true"
