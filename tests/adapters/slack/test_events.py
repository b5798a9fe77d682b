"""Events API over signed HTTP: URL verification, App Home, retries, uninstall."""

from __future__ import annotations

import sqlalchemy as sa

from storage.tables import Objective
from tests.adapters.slack import wire
from tests.adapters.slack.conftest import SlackRig


async def test_url_verification_echoes_the_challenge(slack: SlackRig) -> None:
    payload = wire.fixture_json("url_verification.json")

    reply = await slack.event(payload)

    assert reply.status == 200 and reply.json() == {"challenge": payload["challenge"]}


async def test_opening_app_home_publishes_the_dashboard(slack: SlackRig) -> None:
    await slack.command("new Delight our first customers")
    await slack.command("kr O1 Reach 100 paying customers")
    await slack.settled()
    published_before = len(slack.api.calls("views.publish"))

    reply = await slack.event(wire.event("app_home_opened.json"))
    await slack.settled()

    assert reply.status == 200
    published = slack.api.calls("views.publish")[published_before:]
    (home,) = published
    assert home.args["user_id"] == wire.MAYA
    view = home.args["view"]
    assert view["type"] == "home"
    text = str(view["blocks"])
    assert "Your OKRs" in text and "Check-ins due" in text and "KR1" in text


async def test_changes_refresh_the_callers_home(slack: SlackRig) -> None:
    await slack.command("new Ship the beta")
    await slack.settled()

    assert [c.args["user_id"] for c in slack.api.calls("views.publish")] == [wire.MAYA]
    await slack.command("list")  # reads change nothing, so no republish
    await slack.settled()
    assert len(slack.api.calls("views.publish")) == 1


async def test_a_retried_event_acts_once(slack: SlackRig) -> None:
    first = await slack.event(wire.event("app_home_opened.json"))
    retried = await slack.event(wire.event("app_home_opened.json"), retry=1)
    await slack.settled()

    assert first.status == retried.status == 200
    assert len(slack.api.calls("views.publish")) == 1


async def test_the_messages_tab_is_left_alone(slack: SlackRig) -> None:
    payload = wire.event("app_home_opened.json")
    payload["event"]["tab"] = "messages"

    await slack.event(payload)
    await slack.settled()

    assert slack.api.calls("views.publish") == []


async def test_uninstall_is_acknowledged_and_keeps_the_okrs(slack: SlackRig) -> None:
    await slack.command("new Ship the beta")

    reply = await slack.event(wire.event("app_uninstalled.json"))
    await slack.event(wire.event("tokens_revoked.json"))

    assert reply.status == 200
    async with slack.engine.connect() as connection:
        titles = (await connection.execute(sa.select(Objective.title))).scalars().all()  # type: ignore[call-overload]
    assert titles == ["Ship the beta"]
