"""The Slack ChatPort: DMs, channel posts and message updates the bot sends on its own.

A 5xx or a dropped connection is retried in the call, with slack_sdk's backoff. A 429 is not: it goes back to
the outbox as DeliveryFailed with Slack's Retry-After, and the outbox tries that message again no sooner, while
its pace keeps the rest of the workspace's messages flowing. (Sleeping on a 429 inside the call would hold one of
the workspace's send slots idle and send the retry outside the pace, into a window Slack already counts as full.)
Every failure reaches the outbox, never swallowed: a message is sent or it stays pending.

All calls share one HTTP connection pool; a new connection per message was the fan-out's bottleneck.
"""

from __future__ import annotations

from typing import Any

from aiohttp import ClientSession, TCPConnector
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import message_payload
from adapters.slack.tokens import TokenSource
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.ports import DeliveryFailed, MessageRef, Recipient
from bot.views.cards import Card, Response

# Errors no retry will fix: the channel or person is gone, or the bot may not post there any more.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "user_not_found",
        "invalid_auth",
        "token_revoked",
        "not_authed",
        "missing_scope",
        "restricted_action",
        "msg_too_long",
        "invalid_blocks",
        "message_not_found",
        "cant_update_message",
        "team_not_found",
    }
)
RETRIES = 3  # per call, inside slack_sdk; the outbox retries again later with longer waits


def retrying_client(
    *, token: str | None, base_url: str, session: ClientSession | None = None, paced: bool = False
) -> AsyncWebClient:
    """A Web API client retrying dropped connections, 5xx and 429s; only dropped connections when `paced`.

    The outbox paces its sends and retries refusals itself, later and paced: an immediate retry here would be
    one more call inside the same second that the pace does not count, and in a fan-out at the rate limit it
    pushes the next paced send over it (a 500 retried at once cost a 429 on the send after it)."""
    handlers: list[AsyncRetryHandler] = [AsyncConnectionErrorRetryHandler(max_retry_count=RETRIES)]
    if not paced:
        handlers += [
            AsyncRateLimitErrorRetryHandler(max_retry_count=RETRIES),
            AsyncServerErrorRetryHandler(max_retry_count=RETRIES),
        ]
    return AsyncWebClient(
        token=token, base_url=base_url, timeout=10, session=session, retry_handlers=handlers
    )


class SlackChatPort:
    def __init__(self, tokens: TokenSource, *, base_url: str) -> None:
        self.tokens = tokens
        self.base_url = base_url
        self._clients: dict[str, AsyncWebClient] = {}
        self._session: ClientSession | None = None  # made on first use, on the loop that sends

    async def send_dm(self, recipient: Recipient, card: Card) -> MessageRef:
        # Posting to a user id delivers to the person's DM with the app (its Messages tab).
        conversation = ConversationRef(Platform.SLACK, recipient.workspace_id, recipient.user_id)
        return await self.post(conversation, card)

    async def post(self, conversation: ConversationRef, card: Card) -> MessageRef:
        client = await self._client(conversation.workspace_id)
        first: MessageRef | None = None
        for message in _messages(card):
            answer = await _call(client.chat_postMessage, channel=conversation.opaque, **message)
            if first is None:
                # A DM posted to a user id answers with the DM's channel id: updates must use that one.
                channel = str(answer.get("channel") or conversation.opaque)
                first = MessageRef(
                    ConversationRef(Platform.SLACK, conversation.workspace_id, channel), str(answer["ts"])
                )
        assert first is not None
        return first

    async def update(self, message: MessageRef, card: Card) -> None:
        client = await self._client(message.conversation.workspace_id)
        first = _messages(card)[0]  # an updated message keeps one message's room; cards sent here are short
        await _call(client.chat_update, channel=message.conversation.opaque, ts=message.opaque, **first)

    async def _client(self, team_id: str) -> AsyncWebClient:
        try:
            token = await self.tokens.token_for(team_id)
        except SlackApiError as error:  # a token refresh that failed
            raise _failure(error) from error
        if token is None:
            raise DeliveryFailed(f"Slack workspace {team_id} has no installation", retryable=False)
        client = self._clients.get(token)
        if client is None:
            if self._session is None or self._session.closed:
                self._session = ClientSession(connector=TCPConnector(limit=100, limit_per_host=50))
            client = retrying_client(token=token, base_url=self.base_url, session=self._session, paced=True)
            self._clients[token] = client
        return client

    async def close(self) -> None:
        """Close the shared connections (at shutdown)."""
        self._clients.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None


def _messages(card: Card) -> list[dict[str, Any]]:
    return [{"text": m["text"], "blocks": m["blocks"]} for m in message_payload(Response(cards=(card,)))]


async def _call(method: Any, **kwargs: Any) -> Any:
    try:
        return await method(**kwargs)
    except SlackApiError as error:
        raise _failure(error) from error
    except (TimeoutError, OSError) as error:
        raise DeliveryFailed(f"Slack did not answer: {error!r}", retryable=True) from error


def _failure(error: SlackApiError) -> DeliveryFailed:
    code = str(error.response.get("error") or error.response.status_code)
    retry_after = error.response.headers.get("Retry-After") or error.response.headers.get("retry-after")
    return DeliveryFailed(
        f"Slack said {code}",
        retryable=code not in PERMANENT,
        retry_after=float(retry_after) if retry_after else None,
        # Slack's rate limiter or a failure of its own turned the call away (ok: false answers are results).
        turned_away=error.response.status_code == 429 or error.response.status_code >= 500,
    )
