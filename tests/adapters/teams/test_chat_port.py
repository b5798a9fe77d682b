"""The Teams ChatPort against the fake connector: proactive posts, DMs, updates, retries and refusals."""

from __future__ import annotations

import pytest
from sqlmodel import select

from adapters.teams.chat_port import TeamsChatPort
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.ports import DeliveryFailed, MessageRef, Recipient
from bot.views.cards import Card, Section, Tone
from storage.teams_refs import TeamsConversation
from tests.adapters.teams.conftest import MAYA, TENANT, TeamsApp
from tests.adapters.teams.test_install import ROSTER, TEAM
from tests.adapters.teams.test_messages import PERSONAL_CHAT, rows, texts

NUDGE = Card("Time to check in on KR1", sections=(Section(text="Increase NPS from 30 to 50"),))
DONE = Card("Checked in ✓", tone=Tone.SUCCESS)


async def team_reference(teams: TeamsApp) -> ConversationRef:
    teams.connector.roster = ROSTER
    await teams.post(teams.activity("team_install"))
    teams.connector.calls.clear()
    [conversation] = await rows(teams, select(TeamsConversation))
    return ConversationRef(Platform.TEAMS, TENANT, conversation.reference)


async def test_post_sends_a_card_to_a_stored_conversation(teams: TeamsApp) -> None:
    where = await team_reference(teams)
    sent = await teams.port.post(where, NUDGE)

    [call] = teams.connector.calls
    assert (call.method, call.conversation_id) == ("POST", TEAM)
    assert "Time to check in on KR1" in texts(call.body["attachments"][0]["content"])
    assert sent == MessageRef(where, "activity-2")  # the id the connector gave (1 was the welcome)


async def test_update_replaces_a_card_it_sent(teams: TeamsApp) -> None:
    where = await team_reference(teams)
    sent = await teams.port.post(where, NUDGE)
    await teams.port.update(sent, DONE)

    [update] = teams.connector.updated()
    assert (update.conversation_id, update.activity_id) == (TEAM, sent.opaque)
    assert "Checked in ✓" in texts(update.body["attachments"][0]["content"])


async def test_a_dm_goes_to_the_stored_personal_chat(teams: TeamsApp) -> None:
    await teams.say("help")
    teams.connector.calls.clear()

    sent = await teams.port.send_dm(Recipient(TENANT, MAYA), NUDGE)

    [call] = teams.connector.calls
    assert call.conversation_id == PERSONAL_CHAT
    assert sent.opaque.startswith("activity-")


async def test_a_dm_to_someone_never_chatted_with_opens_the_chat_from_the_roster(teams: TeamsApp) -> None:
    sam = ROSTER[1]["id"]
    await team_reference(teams)

    await teams.port.send_dm(Recipient(TENANT, sam), NUDGE)
    await teams.port.send_dm(Recipient(TENANT, sam), DONE)  # the new chat is stored and reused

    creates = [c for c in teams.connector.calls if c.path == "/v3/conversations"]
    assert len(creates) == 1
    assert creates[0].body["members"] == [{"id": sam}]
    assert creates[0].body["channelData"] == {"tenant": {"id": TENANT}}  # where Teams reads the tenant
    posts = teams.connector.sent()
    [created] = {p.conversation_id for p in posts}
    assert len(posts) == 2 and created.startswith("a:new-personal-")
    stored = await rows(teams, select(TeamsConversation).where(TeamsConversation.user_id == sam))
    assert [s.kind for s in stored] == ["personal"]


async def test_a_dm_to_a_stranger_fails_for_good(teams: TeamsApp) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await teams.port.send_dm(Recipient(TENANT, "29:nobody"), NUDGE)
    assert failed.value.retryable is False
    assert teams.connector.calls == []


@pytest.mark.parametrize("status", [429, 412, 502, 504])
async def test_throttling_and_gateway_errors_are_retried(teams: TeamsApp, status: int) -> None:
    where = await team_reference(teams)
    teams.connector.failures = [(status, {}), (status, {"Retry-After": "0"})]

    sent = await teams.port.post(where, NUDGE)

    assert len(teams.connector.calls) == 3
    assert sent.opaque.startswith("activity-")


async def test_retries_give_up_after_a_few_tries_and_say_it_may_work_later(teams: TeamsApp) -> None:
    where = await team_reference(teams)
    teams.connector.failures = [(429, {})] * 10

    with pytest.raises(DeliveryFailed) as failed:
        await teams.port.post(where, NUDGE)

    assert failed.value.retryable is True
    assert len(teams.connector.calls) == 4  # FAST_RETRIES.attempts


async def test_a_long_retry_after_is_handed_to_the_caller_instead_of_waited_for(teams: TeamsApp) -> None:
    where = await team_reference(teams)
    teams.connector.failures = [(429, {"Retry-After": "120"})]

    with pytest.raises(DeliveryFailed) as failed:
        await teams.port.post(where, NUDGE)

    assert (failed.value.retryable, failed.value.retry_after) == (True, 120.0)
    assert len(teams.connector.calls) == 1


@pytest.mark.parametrize("status", [403, 404])
async def test_a_bot_removed_or_a_conversation_gone_is_not_retried(teams: TeamsApp, status: int) -> None:
    where = await team_reference(teams)
    teams.connector.failures = [(status, {})]

    with pytest.raises(DeliveryFailed) as failed:
        await teams.port.post(where, NUDGE)

    assert failed.value.retryable is False
    assert len(teams.connector.calls) == 1


async def test_an_unreachable_service_is_retryable(teams: TeamsApp) -> None:
    reference = (await team_reference(teams)).opaque.replace(teams.connector.url, "http://127.0.0.1:9/")
    with pytest.raises(DeliveryFailed) as failed:
        await teams.port.post(ConversationRef(Platform.TEAMS, TENANT, reference), NUDGE)
    assert failed.value.retryable is True


async def test_a_reference_that_is_not_one_fails_for_good(teams: TeamsApp) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        await teams.port.post(ConversationRef(Platform.TEAMS, TENANT, "C012AB3CD"), NUDGE)
    assert failed.value.retryable is False


def test_the_port_is_the_core_protocol(teams: TeamsApp) -> None:
    assert isinstance(teams.port, TeamsChatPort)
