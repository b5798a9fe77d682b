"""Bolt listeners: each Slack request becomes an Invocation, and the core's Response goes back to Slack."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import reply
from adapters.slack.home import home_view
from adapters.slack.identity import SlackDirectory
from adapters.slack.inbound import (
    ModalMemo,
    Origin,
    UnusablePayload,
    command_origin,
    command_text,
    interaction_origin,
)
from adapters.slack.modals import errors_response, form_values
from adapters.slack.render import action_from_action_id
from adapters.slack.serialise import as_json
from bot.core import OkrBot
from bot.invocation import ActionPress, FormSubmit, Invocation
from bot.views import messages
from bot.views.actions import FormId
from bot.views.cards import Response

log = logging.getLogger(__name__)

# Slack waits 3 s for our HTTP answer; keep a margin for the network and Bolt's own work.
ANSWER_WITHIN = 2.2

STALE_BUTTON = "That button or form is from an older version of the bot; run the command again."


class SlackRoutes:
    def __init__(
        self,
        bot: OkrBot,
        directory: SlackDirectory,
        *,
        answer_within: float = ANSWER_WITHIN,
        forget_workspace: Callable[[str], Awaitable[None]],
    ) -> None:
        self.bot = bot
        self.directory = directory
        self.answer_within = answer_within
        self.forget_workspace = forget_workspace
        self._background: set[asyncio.Task[Any]] = set()

    def register(self, app: AsyncApp) -> None:
        app.command(re.compile(r"^/okr"))(self.on_command)  # /okr, and /okr-dev for a staging app
        app.action(re.compile(r"^okr\."))(self.on_action)
        app.view_submission(re.compile(r"^okr\.form\."))(self.on_view_submission)
        app.view_closed(re.compile(r"^okr\.form\."))(self.on_view_closed)
        app.event("app_home_opened")(self.on_app_home_opened)
        app.event("app_uninstalled")(self.on_uninstalled)
        app.event("tokens_revoked")(self.on_uninstalled)

    # ----------------------------------------------------------------------------------- slash command

    async def on_command(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        self._track()
        started = time.monotonic()
        try:
            origin = command_origin(body)
        except UnusablePayload as error:
            log.warning("slash command without %s", error)
            await ack(text="Slack sent this command without the fields the bot needs; please try again.")
            return
        work = asyncio.ensure_future(self._invoke(client, origin, command_text(body)))
        response = await self._within(work, started)
        if response is None:
            await ack()  # an empty ack: Slack shows nothing, and the answer follows through response_url
            self._later(self._answer_late(client, origin, work))
            return
        if response.form is not None:
            await ack()
            await reply.open_form(client, origin, response.form)
            return
        rest = await reply.ack_with(ack, response)
        if rest:
            self._later(reply.follow_up(client, origin, response, rest))

    # -------------------------------------------------------------------------------------- button press

    async def on_action(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        self._track()
        await ack()  # block_actions take no answer in the ack: it only tells Slack we got the press
        try:
            origin = interaction_origin(body)
            action = body["actions"][0]
            action_id = action_from_action_id(str(action["action_id"]))
            value = str(action.get("value") or "")
        except (UnusablePayload, KeyError, IndexError, TypeError) as error:
            log.warning("unusable block_actions payload: %r", error)
            return
        if action_id is None:
            stale = messages.error(STALE_BUTTON)
            await reply.follow_up(client, origin, stale, reply.messages_of(stale))
            return
        response = await self._invoke(client, origin, ActionPress(action_id, value))
        if response.form is not None:
            await reply.open_form(client, origin, response.form)
            return
        await reply.follow_up(client, origin, response, reply.messages_of(response))

    # ----------------------------------------------------------------------------------- modal submitted

    async def on_view_submission(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        self._track()
        started = time.monotonic()
        try:
            origin = interaction_origin(body)
            view = body["view"]
            form = FormId(view["callback_id"])
            memo = ModalMemo.load(view.get("private_metadata"))
            values = form_values(form, view["state"]["values"])
        except (UnusablePayload, KeyError, TypeError, ValueError) as error:
            log.warning("unusable view_submission payload: %r", error)
            # Nothing to point an error at (Bolt refuses `errors` naming no block): a plain ack closes the modal.
            await ack()
            return
        origin = Origin(
            origin.team_id, origin.user_id, origin.user_name, memo.channel_id, memo.response_url, None
        )
        work = asyncio.ensure_future(self._invoke(client, origin, FormSubmit(form, memo.state, values)))
        response = await self._within(work, started)
        if response is None:
            await ack()
            self._later(self._answer_late(client, origin, work))
            return
        if response.errors:
            await ack(**errors_response(response.errors, form_id=form))
            return
        await ack()  # closes the modal; the result goes where the modal was opened
        await reply.follow_up(client, origin, response, reply.messages_of(response))

    async def on_view_closed(self, ack: AsyncAck) -> None:
        await ack()  # nothing was submitted, so nothing was written

    # ------------------------------------------------------------------------------------------ App Home

    async def on_app_home_opened(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        self._track()
        if event.get("tab") != "home":
            return
        team_id = body.get("team_id")
        user_id = event.get("user")
        if not isinstance(team_id, str) or not isinstance(user_id, str):
            log.warning("app_home_opened without team_id or user")
            return
        await self.publish_home(client, team_id=team_id, user_id=user_id)

    async def on_uninstalled(self, body: dict[str, Any]) -> None:
        self._track()
        team_id = body.get("team_id")
        if isinstance(team_id, str):
            await self.forget_workspace(team_id)

    async def publish_home(self, client: AsyncWebClient, *, team_id: str, user_id: str) -> None:
        actor = await self.directory.actor(client, team_id=team_id, user_id=user_id, fallback_name=user_id)
        cards = await self.bot.dashboard(actor)
        await client.views_publish(user_id=user_id, view=as_json(home_view(cards)))

    # ------------------------------------------------------------------------------------------- helpers

    async def _invoke(self, client: AsyncWebClient, origin: Origin, what: Any) -> Response:
        actor = await self.directory.actor(
            client,
            team_id=origin.team_id,
            user_id=origin.user_id,
            fallback_name=origin.user_name or origin.user_id,
        )
        response = await self.bot.handle(Invocation(actor, origin.conversation(), what))
        if response.changed_okrs:  # their App Home shows their OKRs: republish it once the answer is out
            self._refresh_home(client, origin)
        return response

    async def _within(self, work: asyncio.Future[Response], started: float) -> Response | None:
        """The response if it is ready before Slack's deadline, else None (the work goes on)."""
        remaining = self.answer_within - (time.monotonic() - started)
        done, _ = await asyncio.wait({work}, timeout=max(remaining, 0))
        return work.result() if done else None

    async def _answer_late(
        self, client: AsyncWebClient, origin: Origin, work: asyncio.Future[Response]
    ) -> None:
        response = await work
        if response.errors:
            # The modal is gone by now, so its field errors become one message.
            text = "; ".join(f"{field}: {message}" for field, message in response.errors.items())
            response = messages.error(text, "Open the form again to fix it.")
        if response.form is not None:
            response = messages.error("That took too long to open the form; please try again.")
        await reply.follow_up(client, origin, response, reply.messages_of(response))

    def _refresh_home(self, client: AsyncWebClient, origin: Origin) -> None:
        self._later(self.publish_home(client, team_id=origin.team_id, user_id=origin.user_id))

    def _track(self) -> None:
        """Count the running listener as unfinished work: Bolt keeps running it after the ack is sent."""
        task = asyncio.current_task()
        if task is not None:
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    def _later(self, work: Awaitable[None]) -> None:
        """Run after the ack, keeping a reference so the task is not collected mid-flight, and log failures."""

        async def guarded() -> None:
            try:
                await work
            except Exception:
                log.exception("a Slack follow-up failed")

        task = asyncio.ensure_future(guarded())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self, *, within: float | None = None) -> int:
        """Wait for listeners and follow-ups still running (on shutdown, and in tests); with `within`, for at
        most that many seconds, as a process being stopped has a deadline. How many were left running."""
        loop = asyncio.get_running_loop()
        deadline = None if within is None else loop.time() + within
        while pending := self._background - {asyncio.current_task()}:
            timeout = None if deadline is None else deadline - loop.time()
            if timeout is not None and timeout <= 0:
                log.warning("stopped waiting for %d Slack listener(s) and follow-up(s)", len(pending))
                return len(pending)
            done, _ = await asyncio.wait(pending, timeout=timeout)
            for task in done:
                if not task.cancelled():
                    task.exception()  # retrieved, so asyncio does not warn: failures were logged where they happened
        return 0
