"""The Slack adapter assembled: a Bolt AsyncApp for the configured mode, its routes, and its ChatPort."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.chat_port import SlackChatPort, retrying_client
from adapters.slack.identity import SlackDirectory
from adapters.slack.inbound import shape_problem
from adapters.slack.installations import EncryptedInstallationStore, installation_store, oauth_state_store
from adapters.slack.rotation import OneRefreshAtATime
from adapters.slack.routes import SlackRoutes
from adapters.slack.settings import SlackConfig, SlackMode
from adapters.slack.tokens import InstalledTokens, SingleWorkspaceToken, TokenSource
from bot.core import OkrBot
from storage.receipts import first_receipt
from storage.secrets import TokenCipher

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"

# What the bot asks for when a workspace installs it (manifest.yml lists the same): slash command, posting
# answers and DMs (to a user id: no im:write needed), and reading names and time zones. App Home needs none.
BOT_SCOPES = ("commands", "chat:write", "users:read")

# Seconds shutdown waits for work that goes on after an ack (late answers, App Home): a bounded part of the
# 10 s `okrbot serve` takes to stop (adapters/serve.py drains again after the last request has finished).
SHUTDOWN_DRAIN_WITHIN = 2.0


TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"


@dataclass
class SlackAdapter:
    """The mounted adapter: `mount` adds its routes to the web app; `port` sends on the bot's own initiative."""

    app: AsyncApp
    routes: SlackRoutes
    port: SlackChatPort
    config: SlackConfig

    async def mount(self, web_app: web.Application) -> None:
        if self.config.mode is SlackMode.SOCKET:
            web_app.cleanup_ctx.append(self._socket_mode)
            return
        web_app.router.add_post(EVENTS_PATH, self.handle)
        if self.config.mode is SlackMode.OAUTH:
            web_app.router.add_get(INSTALL_PATH, self.install)
            web_app.router.add_get(REDIRECT_PATH, self.oauth_redirect)
        web_app.on_shutdown.append(self._drain)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        stamp = request.headers.get(TIMESTAMP_HEADER)
        if stamp is not None and not (stamp.isascii() and stamp.isdigit()):
            # Bolt's signature check reads it with int() and lets a ValueError escape: a 500, unauthenticated.
            log.warning("Slack request with a timestamp that is not a number")
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = await to_bolt_request(request)
        except web.HTTPRequestEntityTooLarge:
            raise  # aiohttp's own 413, past the server's body limit
        except Exception as error:
            # Bolt parses the body and digs team, user and enterprise ids out of it while building the request,
            # assuming Slack's shapes: `payload=[1,2]` raises AttributeError in there, a non-list
            # `authorizations` TypeError, and so on. Whatever fails here is a body Slack would never send.
            log.warning("unreadable Slack request: %r", error)
            return web.json_response({"error": "malformed request body"}, status=400)
        problem = shape_problem(bolt_request.body)
        if problem is not None:
            log.warning("malformed Slack payload: %s", problem)
            return web.json_response({"error": f"malformed payload: {problem}"}, status=400)
        bolt_response = await self.app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def install(self, request: web.Request) -> web.StreamResponse:
        """The "Add to Slack" page (a browser visit, not a signed Slack request)."""
        assert self.app.oauth_flow is not None
        bolt_response = await self.app.oauth_flow.handle_installation(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def oauth_redirect(self, request: web.Request) -> web.StreamResponse:
        """Where Slack sends the browser back with a code; the state must be one our install page issued."""
        assert self.app.oauth_flow is not None
        bolt_response = await self.app.oauth_flow.handle_callback(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def _drain(self, web_app: web.Application) -> None:
        await self.routes.drain(within=SHUTDOWN_DRAIN_WITHIN)

    async def _socket_mode(self, web_app: web.Application) -> Any:
        from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

        assert self.config.app_token is not None
        handler = AsyncSocketModeHandler(self.app, self.config.app_token)
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("connected to Slack in Socket Mode")
        yield
        await handler.close_async()  # type: ignore[no-untyped-call]
        await self.routes.drain(within=SHUTDOWN_DRAIN_WITHIN)


def _installations(config: SlackConfig, engine: AsyncEngine) -> EncryptedInstallationStore | None:
    if config.mode is not SlackMode.OAUTH:
        return None
    assert config.client_id and config.secret_key
    return installation_store(
        client_id=config.client_id, engine=engine, cipher=TokenCipher(config.secret_key)
    )


def _rotator(
    config: SlackConfig, store: EncryptedInstallationStore, engine: AsyncEngine
) -> OneRefreshAtATime:
    assert config.client_id and config.client_secret
    client = retrying_client(token=None, base_url=config.api_url)
    return OneRefreshAtATime(
        client_id=config.client_id,
        client_secret=config.client_secret,
        client=client,
        store=store,
        engine=engine,
    )


def _tokens(config: SlackConfig, rotation: OneRefreshAtATime | None) -> TokenSource:
    if rotation is None:
        assert config.bot_token is not None
        return SingleWorkspaceToken(config.bot_token)
    return InstalledTokens(rotation)


@dataclass(frozen=True)
class SlackConnection:
    """What Slack's routes and its ChatPort share: the installations and one token rotator.

    Built before the core (the jobs send through its port, and the core reports to the jobs), mounted after."""

    config: SlackConfig
    store: EncryptedInstallationStore | None
    rotation: OneRefreshAtATime | None
    port: SlackChatPort


def slack_connection(config: SlackConfig, *, engine: AsyncEngine) -> SlackConnection:
    """The port, and what the routes will share with it; a process that only sends (`okrbot worker`, `okrbot
    tick`) takes the port alone."""
    store = _installations(config, engine)
    # One rotator for Bolt's requests and the sender's messages alike: it takes turns with itself too.
    rotation = _rotator(config, store, engine) if store is not None else None
    port = SlackChatPort(_tokens(config, rotation), base_url=config.api_url)
    return SlackConnection(config, store, rotation, port)


def slack_mount(connection: SlackConnection, bot: OkrBot, *, engine: AsyncEngine) -> SlackAdapter:
    """The Slack adapter for `okrbot serve`: Bolt's app and routes for `bot`, and the connection's port."""
    config, store, rotation = connection.config, connection.store, connection.rotation
    client = retrying_client(token=None, base_url=config.api_url)
    if store is not None:
        assert config.client_id and config.client_secret
        oauth = AsyncOAuthSettings(
            client_id=config.client_id,
            client_secret=config.client_secret,
            scopes=list(BOT_SCOPES),
            installation_store=store,
            state_store=oauth_state_store(engine),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            token_rotation_expiration_minutes=120,
        )
        # Bolt's own rotator would refresh beside the other instances' (and the sender's): ours takes turns.
        assert isinstance(oauth.authorize, AsyncInstallationStoreAuthorize)
        oauth.authorize.token_rotator = rotation
        app = AsyncApp(signing_secret=config.signing_secret, oauth_settings=oauth, client=client)
    else:
        client.token = config.bot_token
        app = AsyncApp(
            signing_secret=config.signing_secret,
            client=client,
            # Socket Mode requests come over our own websocket, not signed HTTP.
            request_verification_enabled=config.mode is not SlackMode.SOCKET,
        )

    async def once_per_event(body: dict[str, Any], next: Any) -> BoltResponse | None:
        """Slack retries an event it thinks we missed (X-Slack-Retry-Num); act on each event id once.

        One INSERT per event: old receipts are pruned hourly by housekeeping (bot/jobs/housekeeping.py), not
        here, where a DELETE on every event would make each one wait on the others' locks."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str):
            async with bot.sessions() as session, session.begin():
                first = await first_receipt(session=session, key=f"slack:{event_id}", now=bot.clock())
            if not first:
                log.info("ignoring a repeat of Slack event %s", event_id)
                return BoltResponse(status=200, body="")
        return await next()  # type: ignore[no-any-return]

    app.middleware(once_per_event)
    routes = SlackRoutes(bot, SlackDirectory(), forget_workspace=_forgetting(store))
    routes.register(app)
    return SlackAdapter(app, routes, connection.port, config)


def _forgetting(store: EncryptedInstallationStore | None) -> Callable[[str], Awaitable[None]]:
    """What uninstalling does: the workspace's tokens go; its OKRs stay until an admin deletes them."""

    async def forget(team_id: str) -> None:
        if store is None:
            # With a token from the environment there is nothing stored; the admin removes the setting.
            log.warning("Slack workspace %s removed the app; remove SLACK_BOT_TOKEN too", team_id)
            return
        await store.async_delete_all(enterprise_id=None, team_id=team_id)
        log.info("Slack workspace %s removed the app; its tokens are deleted", team_id)

    return forget
