"""The Teams adapter's one entry point for `okrbot serve`: routes, start-up hooks, and the ChatPort."""

from __future__ import annotations

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter

from adapters.server import Mount
from adapters.teams import sdk_fixes
from adapters.teams.auth import TeamsEndpoints, authentication, check_settings, credentials_factory
from adapters.teams.chat_port import RetryPolicy, TeamsChatPort
from adapters.teams.endpoint import MessagesEndpoint, log_turn_error
from adapters.teams.signing_keys import SigningKeys
from adapters.teams.turns import TeamsTurns
from bot.config import Settings
from bot.core import OkrBot
from bot.ports import ChatPort

MESSAGES_PATH = "/api/messages"


def teams_mount(
    settings: Settings,
    bot: OkrBot,
    *,
    endpoints: TeamsEndpoints | None = None,
    retry: RetryPolicy | None = None,
) -> tuple[Mount, ChatPort]:
    """`POST /api/messages` and the Teams ChatPort. Raises TeamsConfigError for settings that cannot work.

    `endpoints` and `retry` exist for tests (a local token issuer, short back-offs); production passes neither.
    """
    sdk_fixes.apply()
    endpoints = endpoints or TeamsEndpoints()
    authenticated = check_settings(settings)
    credentials = credentials_factory(settings)
    auth = authentication(endpoints, credentials)
    adapter = CloudAdapter(auth)
    adapter.on_turn_error = log_turn_error
    keys = SigningKeys(endpoints.metadata_urls) if authenticated else None
    endpoint = MessagesEndpoint(adapter, auth, TeamsTurns(bot), keys=keys)
    port = TeamsChatPort(
        adapter, bot.sessions, app_id=settings.microsoft_app_id, default_tz=bot.default_tz, retry=retry
    )

    async def mount(app: web.Application) -> None:
        app.router.add_post(MESSAGES_PATH, endpoint.handle)
        if keys is not None:
            # Fetch the signing keys before the first request, and keep them (and the app's outbound token)
            # fresh off the request path.
            async def start(app: web.Application) -> None:
                await keys.start()
                credentials.start()

            async def stop(app: web.Application) -> None:
                await keys.stop()
                await credentials.stop()

            app.on_startup.append(start)
            app.on_cleanup.append(stop)

    return mount, port
