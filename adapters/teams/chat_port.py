"""The Teams ChatPort: DMs, channel posts and card updates sent on the bot's own initiative.

Everything goes through a stored conversation reference (`continue_conversation` with the bot's app id). A DM
to someone the bot has never chatted with opens the 1:1 chat first, from the roster entry stored at install.
The Bot Framework asks bots to retry 412, 429, 502 and 504 with backoff: we do, with jitter, a few times, then
hand the failure to the caller (the outbox retries later).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from botbuilder.core import MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationParameters, ConversationReference
from msrest.exceptions import ClientRequestError, HttpOperationError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.teams import inbound, references, render
from bot.domain.clock import Clock, system_clock
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.ports import DeliveryFailed, MessageRef, Recipient
from bot.views.cards import Card

log = logging.getLogger(__name__)

RETRIED_STATUSES = frozenset({412, 429, 502, 504})
TEAMS_CHANNEL = "msteams"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all, the first included
    base_delay: float = 0.5  # seconds before the first retry; doubles each time, with full jitter
    max_delay: float = 20.0  # a longer Retry-After is handed to the caller instead of waited for here


class TeamsChatPort:
    def __init__(
        self,
        adapter: CloudAdapter,
        sessions: async_sessionmaker[AsyncSession],
        *,
        app_id: str | None,
        default_tz: str = "UTC",
        retry: RetryPolicy | None = None,
        clock: Clock = system_clock,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: random.Random | None = None,
    ) -> None:
        self.adapter = adapter
        self.sessions = sessions
        self.app_id = app_id
        self.default_tz = default_tz
        self.retry = retry or RetryPolicy()
        self.clock = clock  # stamps the references it stores
        self.sleep = sleep
        self.jitter = jitter or random.Random()

    # ---------------------------------------------------------------------------------------- the port

    async def send_dm(self, recipient: Recipient, card: Card) -> MessageRef:
        async with self.sessions() as session:
            reference = await references.personal_reference(
                session, recipient.workspace_id, recipient.user_id
            )
        if reference is None:
            reference = await self._open_personal_chat(recipient)
        return await self.post(ConversationRef(Platform.TEAMS, recipient.workspace_id, reference), card)

    async def post(self, conversation: ConversationRef, card: Card) -> MessageRef:
        reference = _reference(conversation.opaque)
        activity = card_activity(card)
        sent: list[str] = []

        async def send(context: TurnContext) -> None:
            resource = await context.send_activity(activity)
            sent.append(resource.id if resource is not None and resource.id else "")

        await self._deliver("post", lambda: self._continue(reference, send))
        return MessageRef(conversation, opaque=sent[-1])

    async def update(self, message: MessageRef, card: Card) -> None:
        reference = _reference(message.conversation.opaque)
        activity = card_activity(card)
        activity.id = message.opaque

        async def replace(context: TurnContext) -> None:
            await context.update_activity(activity)

        await self._deliver("update", lambda: self._continue(reference, replace))

    async def close(self) -> None:
        """Nothing of its own to let go of: the CloudAdapter makes the connector clients, per turn."""

    # ------------------------------------------------------------------------------------- plumbing

    async def _continue(self, reference: ConversationReference, logic: Callable[[TurnContext], Any]) -> None:
        # The adapter's turn-error handler would swallow a failure: carry it out of the turn ourselves.
        failures: list[BaseException] = []

        async def turn(context: TurnContext) -> None:
            try:
                await logic(context)
            except Exception as error:
                failures.append(error)

        await self.adapter.continue_conversation(reference, turn, self.app_id)
        if failures:
            raise failures[0]

    async def _open_personal_chat(self, recipient: Recipient) -> str:
        async with self.sessions() as session:
            entry = await references.roster_entry(session, recipient.workspace_id, recipient.user_id)
        if entry is None:
            raise DeliveryFailed(
                f"no Teams chat with {recipient.user_id} and no roster entry to open one", retryable=False
            )
        tenant = recipient.workspace_id
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=f"28:{self.app_id}") if self.app_id else None,
            members=[ChannelAccount(id=recipient.user_id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
        )
        created: list[str] = []

        async def remember(context: TurnContext) -> None:
            reference = TurnContext.get_conversation_reference(context.activity)
            reference.user = ChannelAccount(id=recipient.user_id)
            created.append(json.dumps(reference.serialize(), sort_keys=True))

        async def open_chat() -> None:
            failures: list[BaseException] = []

            async def turn(context: TurnContext) -> None:
                try:
                    await remember(context)
                except Exception as error:
                    failures.append(error)

            await self.adapter.create_conversation(
                self.app_id, turn, parameters, TEAMS_CHANNEL, entry.service_url, None
            )
            if failures:
                raise failures[0]

        await self._deliver("open a 1:1 chat", open_chat)
        reference = created[-1]
        async with self.sessions() as session, session.begin():
            workspace = await references.workspace_of(session, tenant, default_tz=self.default_tz)
            assert workspace.id is not None
            conversation_id = _reference(reference).conversation.id
            seen = references.Seen(str(conversation_id), inbound.PERSONAL, recipient.user_id, reference)
            await references.remember_conversation(session, workspace.id, seen, now=self.clock())
        return reference

    async def _deliver(self, what: str, attempt: Callable[[], Awaitable[None]]) -> None:
        for number in range(1, self.retry.attempts + 1):
            try:
                await attempt()
                return
            except DeliveryFailed:
                raise
            except HttpOperationError as error:
                status, retry_after = _status(error)
                if status not in RETRIED_STATUSES:
                    raise DeliveryFailed(
                        f"Teams refused to {what}: HTTP {status}",
                        retryable=status is None or status >= 500,
                    ) from error
                failure = DeliveryFailed(
                    f"Teams refused to {what}: HTTP {status}", retryable=True, retry_after=retry_after
                )
            except (ClientRequestError, aiohttp.ClientError, TimeoutError) as error:
                failure = DeliveryFailed(f"could not reach Teams to {what}: {error}", retryable=True)
                retry_after = None
            if number == self.retry.attempts:
                raise failure
            delay = self._delay(number, retry_after)
            if delay is None:
                raise failure
            log.info("Teams: %s (attempt %d); retrying in %.2fs", failure.reason, number, delay)
            await self.sleep(delay)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _delay(self, number: int, retry_after: float | None) -> float | None:
        if retry_after is not None:
            return retry_after if retry_after <= self.retry.max_delay else None
        ceiling = min(self.retry.max_delay, self.retry.base_delay * 2 ** (number - 1))
        return self.jitter.uniform(ceiling / 2, ceiling)


def _reference(opaque: str) -> ConversationReference:
    try:
        return inbound.reference_of(opaque)
    except (ValueError, TypeError) as error:
        raise DeliveryFailed("not a Teams conversation reference", retryable=False) from error


def _status(error: HttpOperationError) -> tuple[int | None, float | None]:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    headers = getattr(response, "headers", None) or {}
    retry_after: float | None = None
    raw = headers.get("Retry-After") if hasattr(headers, "get") else None
    if raw is not None:
        try:
            retry_after = max(0.0, float(raw))
        except ValueError:
            retry_after = None
    return (int(status) if status is not None else None), retry_after


def card_activity(card: Card) -> Activity:
    return MessageFactory.attachment(render.attachment(render.card(card)))
