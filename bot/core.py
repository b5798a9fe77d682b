"""The bot's front door: one invocation in, one response out, in one transaction."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers import AnswerCache, AnswerKey, dashboard_key, keepable, read_only_key
from bot.commands.interactions import FieldErrors
from bot.commands.parser import UNKNOWN_VERB
from bot.commands.registry import run
from bot.commands.request import Reply, Request, read_request
from bot.commands.types import ListObjectives, ListScope, UsageError
from bot.domain.clock import Clock, system_clock
from bot.invocation import Actor, CommandText, ConversationRef, FormSubmit, Invocation
from bot.service.context import Context
from bot.service.errors import OkrError
from bot.service.events import DomainEvent, OkrChanged
from bot.service.prompt_schedule import reschedule
from bot.service.reading import objective_page
from bot.telemetry import NO_TELEMETRY, CommandOutcome, Telemetry
from bot.views import messages
from bot.views.actions import BadPayload
from bot.views.cards import Card, Response
from bot.views.dashboard import dashboard_cards
from storage.changes import announced_by_caller
from storage.repository import WorkspaceRepository, find_identity, get_or_create_workspace

log = logging.getLogger(__name__)

# Called inside the invocation's transaction, so that what it records commits or rolls back with it.
EventHook = Callable[[AsyncSession, Sequence[DomainEvent]], Awaitable[None]]
# Called after the invocation's transaction committed, when it had events: wakes whoever acts on what the hooks
# recorded (the outbox sender). Must not block; an exception is logged, never shown to the person.
AfterCommit = Callable[[Sequence[DomainEvent]], None]


class OkrBot:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Clock = system_clock,
        default_tz: str = "UTC",
        event_hooks: Sequence[EventHook] = (),
        after_commit: Sequence[AfterCommit] = (),
        telemetry: Telemetry = NO_TELEMETRY,
        answers: AnswerCache | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.default_tz = default_tz
        self.event_hooks = list(event_hooks)
        self.after_commit = list(after_commit)
        self.telemetry = telemetry
        self.answers = answers  # None: every answer is read afresh

    async def handle(self, invocation: Invocation) -> Response:
        """Answer an invocation. Errors a person caused come back as a response, with nothing written."""
        started = time.perf_counter()
        outcome = CommandOutcome.ERROR  # what an exception escaping from here leaves it at
        request: Request | None = None
        try:
            # Read once: the kept-answer key, dispatch and telemetry's name all come from this reading.
            request = read_request(invocation)
            response = await self._kept_or_answer(invocation, request)
            outcome = CommandOutcome.OK
            return response
        except (UsageError, FieldErrors, OkrError, BadPayload) as error:
            outcome = CommandOutcome.USER_ERROR
            return self._explain(error, invocation)
        finally:
            name = request.name if request is not None else UNKNOWN_VERB
            self.telemetry.command_finished(name, outcome, time.perf_counter() - started)

    async def _kept_or_answer(self, invocation: Invocation, request: Request) -> Response:
        if self.answers is None:
            return await self._answer(invocation, request)
        key = read_only_key(invocation, request)
        if key is not None:
            return await self._kept(key, lambda: self._answer(invocation, request))
        response = await self._answer(invocation, request)
        # Committed by now: the person's next read, on this instance, already sees what they did.
        self.answers.changed(invocation.actor)
        return response

    async def _kept(self, key: AnswerKey | None, read: Callable[[], Awaitable[Response]]) -> Response:
        """The kept answer for `key` while the data has not changed; else `read()` it (and keep it)."""
        answers = self.answers
        if key is None or answers is None:
            return await read()
        # Read before the answer's transaction: a change committing meanwhile leaves the answer tagged as older.
        generation = answers.generation(key)
        if generation is None:
            return await read()
        now = self.clock()
        kept = answers.get(key, generation, now)
        if kept is not None:
            return kept
        response = await read()
        if keepable(response):
            answers.put(key, generation, now, response)
        return response

    async def _answer(self, invocation: Invocation, request: Request) -> Response:
        async with self.sessions() as session, session.begin():
            await announced_by_caller(session)
            ctx = await self._context(session, invocation)
            response = await self._dispatch(ctx, request)
            for hook in self.event_hooks:
                await hook(session, ctx.events)
        if ctx.events:
            self._committed(ctx.events)
            if any(isinstance(event, OkrChanged) for event in ctx.events):
                response = replace(response, changed_okrs=True)
        return response

    @staticmethod
    def _explain(error: Exception, invocation: Invocation) -> Response:
        """The answer to an error a person caused (the transaction is rolled back by then)."""
        match error:
            case UsageError():
                return messages.error(error.message, f"Usage: {error.usage}" if error.usage else None)
            case FieldErrors():
                return Response(errors=error.errors)
            case OkrError():
                if error.field and isinstance(invocation.what, FormSubmit):
                    return Response(errors={error.field: error.message})
                return messages.error(error.message, error.hint)
            case _:  # BadPayload
                log.warning("rejected a payload: %s", error)
                return messages.error("That button or form is out of date; run the command again.")

    async def dashboard(self, actor: Actor) -> tuple[Card, ...]:
        """The actor's own dashboard (Slack's App Home, published each time they open it): read-only, so it
        writes nothing but the member, and is kept like a list until the data changes."""
        key = dashboard_key(actor) if self.answers is not None else None
        return (await self._kept(key, lambda: self._dashboard(actor))).cards

    async def _dashboard(self, actor: Actor) -> Response:
        async with self.sessions() as session, session.begin():
            await announced_by_caller(session)
            ctx = await self._context(
                session,
                Invocation(actor, ConversationRef(actor.platform, actor.workspace_id, ""), CommandText("")),
            )
            page = await objective_page(ctx, ListObjectives(ListScope.MINE))
            return Response(cards=dashboard_cards(page, ctx.me, ctx.now))

    def _committed(self, events: Sequence[DomainEvent]) -> None:
        for callback in self.after_commit:
            try:
                callback(events)
            except Exception:
                log.exception("an after-commit callback failed")

    async def _context(self, session: AsyncSession, invocation: Invocation) -> Context:
        actor = invocation.actor
        known = await find_identity(
            session=session, platform=actor.platform, external_id=actor.workspace_id, user_id=actor.user_id
        )
        workspace = known.workspace or await get_or_create_workspace(
            session=session,
            platform=actor.platform,
            external_id=actor.workspace_id,
            default_tz=self.default_tz,
        )
        assert workspace.id is not None
        repo = WorkspaceRepository(session=session, workspace_id=workspace.id)
        name, tz, admin = actor.display_name, actor.tz, actor.is_admin  # admin None: what we last heard
        if known.member is not None:
            me = repo.refresh_member(known.member, display_name=name, tz=tz, is_admin=admin)
        else:
            me = await repo.upsert_member(user_id=actor.user_id, display_name=name, tz=tz, is_admin=admin)
        now = self.clock()
        if known.schedule_tz is not None and known.schedule_tz != me.tz:
            await reschedule(repo.coaching, [me], now=now)  # their next check-in prompt follows their zone
        return Context(repo=repo, workspace=workspace, me=me, now=now, conversation=invocation.conversation)

    @staticmethod
    async def _dispatch(ctx: Context, request: Request) -> Response:
        """Run the command the invocation was read as, with the handler of its verb."""
        if request.error is not None:
            raise request.error
        assert request.command is not None
        response = await run(ctx, request.command, request.words)
        match request.reply:
            case Reply.REPLACE_ORIGINAL:
                return Response(cards=response.cards, replace_original=True)
            case Reply.CARDS_ONLY:
                return Response(cards=response.cards, visibility=response.visibility)
        return response
