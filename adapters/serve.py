"""`okrbot serve`: one aiohttp server with every configured platform on it, on one database."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.server import Mount, build_app
from adapters.slack.app import SlackAdapter, build_slack_adapter
from adapters.slack.settings import slack_config
from bot.config import Settings
from bot.core import OkrBot
from bot.domain.enums import Platform
from bot.ports import ChatPort
from storage import migrate
from storage.engine import create_engine, session_factory
from storage.secrets import TokenCipher

log = logging.getLogger(__name__)

BOT = web.AppKey("bot", OkrBot)
PORTS = web.AppKey("ports", dict[Platform, ChatPort])
SLACK = web.AppKey("slack", SlackAdapter)


class SettingsError(ValueError):
    """Settings that cannot work together; the message names the one to fix."""


def wants_teams(settings: Settings) -> bool:
    """Teams joins the server when it is configured, and in development even when it is not: then it runs
    unauthenticated for local testing (the adapter warns loudly, and refuses to in production)."""
    configured = (
        settings.microsoft_app_id or settings.microsoft_app_password or settings.microsoft_app_tenant_id
    )
    return bool(configured) or settings.okrbot_env != "production"


def check_settings(settings: Settings) -> None:
    """Raise the first settings problem, naming the setting, without touching the network or database."""
    if wants_teams(settings):
        from adapters.teams.auth import TeamsConfigError
        from adapters.teams.auth import check_settings as check_teams_settings

        try:
            check_teams_settings(settings)
        except TeamsConfigError as error:
            raise SettingsError(str(error)) from None
    slack = slack_config(settings)
    if slack is not None and slack.secret_key:
        TokenCipher(slack.secret_key)
    if settings.okrbot_secret_key:
        TokenCipher(settings.okrbot_secret_key)


async def serving_app(settings: Settings, *, engine: AsyncEngine | None = None) -> web.Application:
    """The web app `okrbot serve` runs; raises a settings error naming what is wrong before it listens."""
    own_engine = engine is None
    engine = engine or create_engine(settings.database_url)
    await migrate.ensure_migrated(engine)
    bot = OkrBot(session_factory(engine), default_tz=settings.default_timezone)
    mounts: list[Mount] = []
    app_keys: dict[web.AppKey[Any], Any] = {}
    ports: dict[Platform, ChatPort] = {}
    slack = slack_config(settings)
    if slack is not None:
        adapter = build_slack_adapter(slack, bot, engine=engine)
        mounts.append(adapter.mount)
        ports[Platform.SLACK] = adapter.port
        app_keys[SLACK] = adapter
        log.info("Slack: %s", slack.mode.value)
    if wants_teams(settings):
        # Imported only when wanted: the Bot Framework SDK is large and archived upstream.
        from adapters.teams import teams_mount

        mount, port = teams_mount(settings, bot)
        mounts.append(mount)
        ports[Platform.TEAMS] = port
        log.info(
            "Teams: %s", "authenticated" if settings.microsoft_app_id else "UNAUTHENTICATED (local testing)"
        )
    if not mounts:
        log.warning(
            "no Slack or Teams settings: serving /healthz only (try `okrbot console` for a local bot)"
        )
    app = await build_app(mounts)
    app[BOT] = bot
    app[PORTS] = ports
    for key, value in app_keys.items():
        app[key] = value
    if own_engine:

        async def dispose(_: web.Application) -> None:
            await engine.dispose()

        app.on_cleanup.append(dispose)
    return app
