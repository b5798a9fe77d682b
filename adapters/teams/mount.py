"""The Teams adapter assembled: `POST /api/messages`, its start-up hooks, and the ChatPort.

`teams_connection` builds what the routes and the port share (the SDK's CloudAdapter and the app's credentials)
and the port, with no route: a process that only sends (`okrbot worker`, `okrbot tick`) stops there.
`teams_mount` adds the routes for a bot.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter
from botframework.connector.auth import BotFrameworkAuthentication
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.teams import sdk_fixes
from adapters.teams.auth import TeamsEndpoints, authentication, check_settings, credentials_factory
from adapters.teams.chat_port import RetryPolicy, TeamsChatPort
from adapters.teams.credentials import ReusedCredentialsFactory
from adapters.teams.endpoint import MessagesEndpoint, log_turn_error
from adapters.teams.routes import TeamsRoutes
from adapters.teams.settings import TeamsSettings
from adapters.teams.signing_keys import SigningKeys
from bot.core import OkrBot
from bot.domain.clock import Clock, system_clock

MESSAGES_PATH = "/api/messages"


@dataclass(frozen=True)
class TeamsConnection:
    """What the routes and the ChatPort share."""

    adapter: CloudAdapter
    auth: BotFrameworkAuthentication
    credentials: ReusedCredentialsFactory
    endpoints: TeamsEndpoints
    authenticated: bool
    port: TeamsChatPort


def teams_connection(
    settings: TeamsSettings,
    sessions: async_sessionmaker[AsyncSession],
    *,
    default_tz: str = "UTC",
    clock: Clock = system_clock,
    endpoints: TeamsEndpoints | None = None,
    retry: RetryPolicy | None = None,
) -> TeamsConnection:
    """The Teams ChatPort and what routes would share with it. Raises TeamsConfigError for settings that cannot
    work. `endpoints` and `retry` exist for tests (a local token issuer, short back-offs)."""
    sdk_fixes.apply()
    endpoints = endpoints or TeamsEndpoints()
    authenticated = check_settings(settings)
    credentials = credentials_factory(settings)
    auth = authentication(endpoints, credentials)
    adapter = CloudAdapter(auth)
    adapter.on_turn_error = log_turn_error
    port = TeamsChatPort(
        adapter, sessions, app_id=settings.microsoft_app_id, default_tz=default_tz, retry=retry, clock=clock
    )
    return TeamsConnection(adapter, auth, credentials, endpoints, authenticated, port)


@dataclass(frozen=True)
class TeamsAdapter:
    """The mounted adapter: `mount` adds its routes to the web app; `port` sends on the bot's own initiative."""

    endpoint: MessagesEndpoint
    keys: SigningKeys | None  # None: unauthenticated local mode
    credentials: ReusedCredentialsFactory
    port: TeamsChatPort

    async def mount(self, app: web.Application) -> None:
        app.router.add_post(MESSAGES_PATH, self.endpoint.handle)
        keys = self.keys
        if keys is not None:
            # Fetch the signing keys before the first request, and keep them (and the app's outbound token)
            # fresh off the request path.
            async def start(app: web.Application) -> None:
                await keys.start()
                self.credentials.start()

            async def stop(app: web.Application) -> None:
                await keys.stop()
                await self.credentials.stop()

            app.on_startup.append(start)
            app.on_cleanup.append(stop)


def teams_mount(connection: TeamsConnection, bot: OkrBot) -> TeamsAdapter:
    """`POST /api/messages` for `bot`, with the connection's port."""
    keys = SigningKeys(connection.endpoints.metadata_urls) if connection.authenticated else None
    endpoint = MessagesEndpoint(connection.adapter, connection.auth, TeamsRoutes(bot), keys=keys)
    return TeamsAdapter(endpoint, keys, connection.credentials, connection.port)


def teams_adapter(
    settings: TeamsSettings,
    bot: OkrBot,
    *,
    endpoints: TeamsEndpoints | None = None,
    retry: RetryPolicy | None = None,
) -> TeamsAdapter:
    """Connection and mount in one step, for a bot that is already built (tests, benches)."""
    connection = teams_connection(
        settings, bot.sessions, default_tz=bot.default_tz, clock=bot.clock, endpoints=endpoints, retry=retry
    )
    return teams_mount(connection, bot)
