"""The Slack ChatPort against the fake Web API: DMs, posts, updates, rate limits and failures."""

from __future__ import annotations

import pytest

from adapters.slack.chat_port import SlackChatPort
from adapters.slack.tokens import SingleWorkspaceToken
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.ports import DeliveryFailed, Recipient
from bot.views.cards import Card, Section, Tone
from tests.fakes.slack_api import FakeSlackApi, SlackUser

CARD = Card(title="Time to check in", sections=(Section(text="KR1 Reach 100 customers"),), tone=Tone.NEUTRAL)


@pytest.fixture
async def api() -> FakeSlackApi:
    async with FakeSlackApi() as fake:
        fake.add_user(SlackUser("U0MAYA", "maya", "Maya"))
        yield fake  # type: ignore[misc]


def _port(api: FakeSlackApi) -> SlackChatPort:
    return SlackChatPort(SingleWorkspaceToken(api.bot_token), base_url=api.url)


async def test_a_dm_goes_to_the_user_and_can_be_updated_later(api: FakeSlackApi) -> None:
    port = _port(api)

    sent = await port.send_dm(Recipient("T0ACME", "U0MAYA"), CARD)
    await port.update(sent, Card(title="Checked in ✓"))

    (posted,) = api.calls("chat.postMessage")
    assert posted.args["channel"] == "U0MAYA" and "Time to check in" in posted.args["text"]
    assert sent.conversation.opaque == posted.answer["channel"]  # the DM's own id, which chat.update needs
    (updated,) = api.calls("chat.update")
    assert (updated.args["channel"], updated.args["ts"]) == (sent.conversation.opaque, sent.opaque)
    assert api.messages[(sent.conversation.opaque, sent.opaque)]["text"].endswith("Checked in ✓")


async def test_a_rate_limited_post_goes_back_to_the_outbox_with_slacks_wait(api: FakeSlackApi) -> None:
    # Not slept on inside the call: the outbox retries this message after Retry-After, and its pace keeps the
    # workspace's other messages going meanwhile.
    api.fail_next("chat.postMessage", 1, status=429, retry_after=30)

    with pytest.raises(DeliveryFailed) as failed:
        await _port(api).post(ConversationRef(Platform.SLACK, "T0ACME", "C0WINS"), CARD)

    assert failed.value.retryable and failed.value.retry_after == 30
    assert failed.value.turned_away  # Slack's limiter refused it: it did not count against the rate
    assert [c.status for c in api.calls("chat.postMessage")] == [429]
    assert api.delivered == {}


async def test_calls_share_one_connection_pool(api: FakeSlackApi) -> None:
    port = _port(api)

    for channel in ("C1", "C2", "C3"):
        await port.post(ConversationRef(Platform.SLACK, "T0ACME", channel), CARD)

    sessions = {id(client.session) for client in port._clients.values()}
    assert len(sessions) == 1 and None not in {client.session for client in port._clients.values()}
    await port.close()


async def test_a_server_error_goes_back_to_the_outbox_without_a_second_call(api: FakeSlackApi) -> None:
    """The outbox paces its sends: a retry inside the call would be a send it does not count."""
    api.fail_next("chat.postMessage", 1, status=500)

    with pytest.raises(DeliveryFailed) as failed:
        await _port(api).post(ConversationRef(Platform.SLACK, "T0ACME", "C0WINS"), CARD)

    assert failed.value.retryable and failed.value.turned_away
    assert len(api.calls("chat.postMessage")) == 1


async def test_a_channel_that_is_gone_fails_for_good_without_retrying(api: FakeSlackApi) -> None:
    api.refuse_channel("C0GONE", "channel_not_found")

    with pytest.raises(DeliveryFailed) as failed:
        await _port(api).post(ConversationRef(Platform.SLACK, "T0ACME", "C0GONE"), CARD)

    assert not failed.value.retryable and "channel_not_found" in failed.value.reason
    assert not failed.value.turned_away  # an answer of Slack's, not a refusal of the call
    assert len(api.calls("chat.postMessage")) == 1


async def test_a_workspace_without_a_token_fails_for_good(api: FakeSlackApi) -> None:
    class NoTokens:
        async def token_for(self, team_id: str) -> str | None:
            return None

    port = SlackChatPort(NoTokens(), base_url=api.url)

    with pytest.raises(DeliveryFailed) as failed:
        await port.send_dm(Recipient("T0GONE", "U0MAYA"), CARD)

    assert not failed.value.retryable
    assert api.calls() == []
