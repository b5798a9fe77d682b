"""Messages typed to the bot, POSTed as Teams sends them; replies land on the fake connector."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from storage.tables import KeyResult, Member, Objective
from storage.teams_refs import TeamsConversation
from tests.adapters.teams.conftest import MAYA, SAM, TENANT, TeamsApp

PERSONAL_CHAT = "a:1Pq8RstUvWxYz0AbCdEfGhIjKlMnOpQrStUvWxYz1234567890abcdefGHIJKLmnopqr"
CHANNEL = "19:3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f@thread.tacv2"


def texts(card: dict[str, Any]) -> str:
    """Every text in a card, one per line, to assert on what people read."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(found)


async def rows(teams: TeamsApp, query: Any) -> list[Any]:
    async with teams.bot.sessions() as session:
        return list((await session.exec(query)).all())


async def test_a_personal_command_answers_with_an_adaptive_card(teams: TeamsApp) -> None:
    await teams.say("okr new Delight our first 100 customers")

    [call] = teams.connector.sent()
    assert call.conversation_id == PERSONAL_CHAT
    assert call.activity_id == "1763985600123"  # a reply to the message
    [attachment] = call.body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["version"] == "1.5"
    assert "O1" in texts(attachment["content"])
    [objective] = await rows(teams, select(Objective))
    assert objective.title == "Delight our first 100 customers"


async def test_the_leading_okr_is_optional_in_a_personal_chat(teams: TeamsApp) -> None:
    await teams.say("new Grow revenue")
    await teams.say("list")
    listing = teams.connector.cards()[-1]
    assert "Grow revenue" in texts(listing)


async def test_a_message_stores_the_reference_the_tenant_and_the_senders_time_zone(teams: TeamsApp) -> None:
    await teams.say("help")

    [conversation] = await rows(teams, select(TeamsConversation))
    assert conversation.conversation_id == PERSONAL_CHAT
    assert conversation.kind == "personal"
    assert conversation.user_id == MAYA
    assert f'"serviceUrl": "{teams.connector.url}"' in conversation.reference
    [maya] = await rows(teams, select(Member))
    assert (maya.platform_user_id, maya.display_name, maya.tz) == (MAYA, "Maya Lopez", "Europe/Berlin")


async def test_a_fresh_reference_replaces_the_old_one_on_every_message(teams: TeamsApp) -> None:
    await teams.say("help")
    moved = teams.connector.url + "moved/"
    await teams.post(teams.activity("personal_message", text="help", serviceUrl=moved))

    [conversation] = await rows(teams, select(TeamsConversation))
    assert moved in conversation.reference


async def test_a_channel_mention_is_stripped_and_the_answer_goes_to_the_thread(teams: TeamsApp) -> None:
    await teams.say("new Grow revenue")  # O1, by Maya in her personal chat
    assert "O1" in texts(teams.connector.cards()[-1])
    await teams.say(None, fixture="channel_mention")  # "<at>OKR</at> show O1"

    call = teams.connector.sent()[-1]
    assert call.conversation_id == f"{CHANNEL};messageid=1763985900456"
    assert "Grow revenue" in texts(teams.connector.cards()[-1])
    [_, channel] = await rows(teams, select(TeamsConversation).order_by(TeamsConversation.id))
    assert (channel.conversation_id, channel.kind, channel.user_id) == (CHANNEL, "channel", None)
    sam = (await rows(teams, select(Member).where(Member.platform_user_id == SAM)))[0]
    assert sam.tz == "America/New_York"


async def test_the_mention_fixture_keeps_its_text(teams: TeamsApp) -> None:
    activity = teams.activity("channel_mention")
    assert activity["text"].startswith("<at>OKR</at>")  # the recorded wire format, not a cleaned one


async def test_other_peoples_mentions_name_members(teams: TeamsApp) -> None:
    await teams.say("new Grow revenue")  # O1, Maya's
    text = "<at>OKR</at> kr O1 Reach 200 customers --owner <at>Sam Okafor</at>"
    activity = teams.activity("channel_mention", text=text)
    activity["from"] = {"id": MAYA, "name": "Maya Lopez"}
    activity["entities"].append(
        {"type": "mention", "text": "<at>Sam Okafor</at>", "mentioned": {"id": SAM, "name": "Sam Okafor"}}
    )
    await teams.post(activity)

    assert "KR1" in texts(teams.connector.cards()[-1]), texts(teams.connector.cards()[-1])
    [kr] = await rows(teams, select(KeyResult))
    [owner] = await rows(teams, select(Member).where(Member.id == kr.owner_id))
    assert (owner.platform_user_id, owner.display_name) == (SAM, "Sam Okafor")


async def test_an_activity_without_a_name_keeps_the_name_we_know(teams: TeamsApp) -> None:
    await teams.say("help")
    nameless = teams.activity("personal_message", text="list")
    del nameless["from"]["name"]
    await teams.post(nameless)
    [maya] = await rows(teams, select(Member))
    assert maya.display_name == "Maya Lopez"


async def test_a_usage_error_is_one_line_with_a_hint_and_writes_nothing(teams: TeamsApp) -> None:
    await teams.say("checkin KR99 nonsense")
    card = teams.connector.cards()[-1]
    assert card["body"][0]["color"] == "Attention"
    assert await rows(teams, select(Objective)) == []


async def test_bad_requests_are_400_never_500(teams: TeamsApp) -> None:
    client = teams.client
    assert (
        await client.post("/api/messages", data="not json", headers={"Content-Type": "application/json"})
    ).status == 400
    assert (
        await client.post("/api/messages", data="x=1", headers={"Content-Type": "text/plain"})
    ).status == 400
    assert (await client.post("/api/messages", json=[1, 2])).status == 400
    assert (await client.post("/api/messages", json={"type": "message"})).status == 400
    assert (
        await client.post("/api/messages", json={"serviceUrl": "x", "conversation": {"id": "a"}})
    ).status == 400
    assert (
        await client.post("/api/messages", json={**teams.activity("personal_message"), "timestamp": "soon"})
    ).status == 400
    nested = '{"type": "message", "value": ' + "[" * 100_000 + "]" * 100_000 + "}"  # past Python's recursion
    assert (
        await client.post("/api/messages", data=nested, headers={"Content-Type": "application/json"})
    ).status == 400
    assert teams.connector.calls == []


async def test_an_activity_without_a_tenant_is_ignored(teams: TeamsApp) -> None:
    activity = teams.activity("personal_message", channelData={})
    activity["conversation"].pop("tenantId")
    response = await teams.post(activity)
    assert response.status == 200
    assert teams.connector.calls == []
    assert TENANT  # the fixtures' tenant is what the other tests use
