"""What the network may throw at /slack/events: each gets a 4xx or a polite answer, never a 500, no writes."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.adapters.slack import wire
from tests.adapters.slack.conftest import SlackRig


@pytest.fixture
async def seeded(slack: SlackRig) -> SlackRig:
    await slack.command("new Ship the beta")
    await slack.settled()
    return slack


def _command_body(slack: SlackRig) -> str:
    return wire.slash_command("new Sneaky objective", response_url=slack.api.mint_response_url())


async def test_a_bad_signature_is_refused(seeded: SlackRig) -> None:
    before = await seeded.snapshot()
    body = _command_body(seeded)
    headers = wire.signed_headers(body, secret="not-the-secret", content_type=wire.FORM)

    reply = await seeded.post(body, content_type=wire.FORM, headers=headers)

    assert reply.status == 401
    assert await seeded.snapshot() == before


async def test_a_replayed_request_older_than_five_minutes_is_refused(seeded: SlackRig) -> None:
    before = await seeded.snapshot()
    body = _command_body(seeded)
    headers = wire.signed_headers(body, timestamp=int(time.time()) - 6 * 60, content_type=wire.FORM)

    reply = await seeded.post(body, content_type=wire.FORM, headers=headers)

    assert reply.status == 401
    assert await seeded.snapshot() == before


@pytest.mark.parametrize("missing", ["X-Slack-Signature", "X-Slack-Request-Timestamp"])
async def test_missing_signature_headers_are_refused(seeded: SlackRig, missing: str) -> None:
    before = await seeded.snapshot()
    body = _command_body(seeded)
    headers = wire.signed_headers(body, content_type=wire.FORM)
    del headers[missing]

    reply = await seeded.post(body, content_type=wire.FORM, headers=headers)

    assert reply.status == 401
    assert await seeded.snapshot() == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bnot%20json", wire.FORM),  # payload= that is not JSON
        ("payload=%5B1%2C2%5D", wire.FORM),  # JSON, but not an object
        ("%%%&&&===", wire.FORM),  # not a form at all
        ('{"type": "event_callback", "event": ', wire.JSON),  # truncated JSON
        ("\xff\xfe garbage", wire.FORM),
    ],
)
async def test_malformed_bodies_get_a_4xx(seeded: SlackRig, body: str, content_type: str) -> None:
    before = await seeded.snapshot()

    reply = await seeded.post(body, content_type=content_type)

    assert 400 <= reply.status < 500
    assert await seeded.snapshot() == before


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "block_actions", "actions": []},  # no team, no user, no action
        {"type": "block_actions", "team": {"id": wire.TEAM}, "user": {"id": wire.MAYA}, "actions": "x"},
        {"type": "view_submission", "team": {"id": wire.TEAM}, "user": {"id": wire.MAYA}, "view": {}},
        {"type": "view_submission", "team": {"id": wire.TEAM}, "user": {"id": wire.MAYA},
         "view": {"callback_id": "okr.form.checkin", "private_metadata": "not ours", "state": {"values": {}}}},
        {"type": "view_submission", "team": {"id": wire.TEAM}, "user": {"id": wire.MAYA},
         "view": {"callback_id": "okr.form.nonexistent", "private_metadata": "{}", "state": {"values": {}}}},
        {"type": "no_such_interaction"},
    ],
)  # fmt: skip
async def test_signed_payloads_of_the_wrong_shape_never_500(
    seeded: SlackRig, payload: dict[str, object]
) -> None:
    before = await seeded.snapshot()

    reply = await seeded.interact(payload)
    await seeded.settled()

    assert reply.status < 500
    assert await seeded.snapshot() == before


async def test_a_slash_command_missing_its_user_is_answered_politely(seeded: SlackRig) -> None:
    before = await seeded.snapshot()
    body = _command_body(seeded).replace(f"user_id={wire.MAYA}", "user_id=")

    reply = await seeded.post(body, content_type=wire.FORM)

    assert reply.status == 200 and "fields the bot needs" in reply.text
    assert await seeded.snapshot() == before


async def test_an_event_without_its_user_is_acknowledged_and_does_nothing(seeded: SlackRig) -> None:
    before = await seeded.snapshot()
    published = len(seeded.api.calls("views.publish"))
    payload = wire.event("app_home_opened.json", event={"type": "app_home_opened", "tab": "home"})

    reply = await seeded.event(payload)
    await seeded.settled()

    assert reply.status == 200
    assert len(seeded.api.calls("views.publish")) == published  # no user, so no home to publish
    after = await seeded.snapshot()
    assert [row[0] for row in after.pop("inbound_receipt")] == [f"slack:{payload['event_id']}"]
    before.pop("inbound_receipt")
    assert after == before


# Values of every JSON kind, for the fields Bolt and the listeners read.
_any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
_fields = ("team", "user", "channel", "view", "actions", "event", "authorizations", "container", "enterprise",
           "response_url", "trigger_id", "team_id", "api_app_id", "message", "state")  # fmt: skip
_payloads = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["block_actions", "view_submission", "view_closed", "event_callback", "shortcut"]
        )
    },
    optional={name: _any_json for name in _fields},
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=_payloads)
async def test_fuzzed_signed_payloads_never_500(seeded: SlackRig, payload: dict[str, object]) -> None:
    reply = await seeded.interact(payload)
    event = await seeded.event(payload)
    await seeded.settled()

    assert reply.status < 500 and event.status < 500


@pytest.mark.parametrize("stamp", ["yesterday", "1.5e9", "", "0x10", "９９"])
async def test_a_timestamp_that_is_not_a_number_is_refused_like_a_bad_signature(
    seeded: SlackRig, stamp: str
) -> None:
    before = await seeded.snapshot()
    body = _command_body(seeded)
    headers = wire.signed_headers(body, content_type=wire.FORM)
    headers["X-Slack-Request-Timestamp"] = stamp

    reply = await seeded.post(body, content_type=wire.FORM, headers=headers)

    assert reply.status == 401
    assert await seeded.snapshot() == before


async def test_a_body_over_the_size_limit_is_413(seeded: SlackRig) -> None:
    before = await seeded.snapshot()
    body = wire.slash_command("new " + "x" * (2 * 1024 * 1024), response_url=seeded.api.mint_response_url())

    reply = await seeded.post(body, content_type=wire.FORM)

    assert reply.status == 413
    assert await seeded.snapshot() == before


@pytest.mark.parametrize(
    ("break_view", "status"),
    [
        (lambda view: view.pop("state"), 200),
        (lambda view: view["state"].update(values=[1, 2]), 200),
        (lambda view: view.update(private_metadata="{not json"), 200),
        (lambda view: view.update(callback_id="no_such_form"), 404),  # Bolt: no listener for that modal
    ],
)
async def test_a_malformed_modal_submission_is_acknowledged_and_writes_nothing(
    seeded: SlackRig, break_view: Any, status: int
) -> None:
    before = await seeded.snapshot()
    payload = wire.fixture_json("view_submission_new_objective.json")
    break_view(payload["view"])

    reply = await seeded.interact(payload)

    assert reply.status == status
    await seeded.settled()
    assert await seeded.snapshot() == before
