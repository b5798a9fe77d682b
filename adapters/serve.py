"""`okrbot serve`: one aiohttp server with every configured platform on it, on one database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.ops.metrics import Metrics
from adapters.ops.readiness import Readiness
from adapters.outbound import close_ports, tick_planners, with_console
from adapters.server import Mount, build_app, for_platform
from adapters.slack.app import SlackAdapter, build_slack_adapter
from adapters.slack.settings import slack_config
from bot.config import Settings
from bot.core import OkrBot
from bot.domain.enums import Platform
from bot.jobs.coach import plan_for_events, schedule_unscheduled
from bot.jobs.runtime import JobsRuntime
from bot.ports import ChatPort
from storage import migrate
from storage.engine import create_engine, session_factory
from storage.secrets import TokenCipher
from storage.types import utcnow

log = logging.getLogger(__name__)

BOT = web.AppKey("bot", OkrBot)
PORTS = web.AppKey("ports", dict[Platform, ChatPort])
SLACK = web.AppKey("slack", SlackAdapter)
JOBS = web.AppKey("jobs", JobsRuntime)


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
    slack_config(settings)  # raises for a half-configured Slack
    if settings.okrbot_secret_key:  # the same key Slack's OAuth mode encrypts its tokens with
        TokenCipher(settings.okrbot_secret_key)


async def serving_app(settings: Settings, *, engine: AsyncEngine | None = None) -> web.Application:
    """The web app `okrbot serve` runs; raises a settings error naming what is wrong before it listens."""
    own_engine = engine is None
    engine = engine or create_engine(settings.database_url)
    await migrate.ensure_migrated(engine)
    sessions = session_factory(engine)
    # The ports are filled in below as the platforms mount; the sender reads them when it sends.
    ports: dict[Platform, ChatPort] = {}
    metrics = Metrics(sessions)
    jobs = JobsRuntime(
        sessions,
        ports,
        planners=tick_planners(),
        celebrations=plan_for_events,
        settings=settings,
        telemetry=metrics,
    )
    bot = OkrBot(
        sessions,
        default_tz=settings.default_timezone,
        event_hooks=jobs.event_hooks,
        after_commit=jobs.after_commit,
        telemetry=metrics,
    )
    mounts: list[Mount] = []
    app_keys: dict[web.AppKey[Any], Any] = {}
    slack = slack_config(settings)
    if slack is not None:
        adapter = build_slack_adapter(slack, bot, engine=engine)
        mounts.append(for_platform(Platform.SLACK, adapter.mount))
        ports[Platform.SLACK] = adapter.port
        app_keys[SLACK] = adapter
        log.info("Slack: %s", slack.mode.value)
    if wants_teams(settings):
        # Imported only when wanted: the Bot Framework SDK is large and archived upstream.
        from adapters.teams import teams_mount

        mount, port = teams_mount(settings, bot)
        mounts.append(for_platform(Platform.TEAMS, mount))
        ports[Platform.TEAMS] = port
        log.info(
            "Teams: %s", "authenticated" if settings.microsoft_app_id else "UNAUTHENTICATED (local testing)"
        )
    if not mounts:
        log.warning(
            "no Slack or Teams settings: serving only /healthz, /readyz and /metrics "
            "(try `okrbot console` for a local bot)"
        )
    ports.update(with_console(ports, settings))
    app = await build_app(mounts, readiness=Readiness(engine), metrics=metrics)
    app[BOT] = bot
    app[PORTS] = ports
    app[JOBS] = jobs

    async def run_jobs(_: web.Application) -> AsyncIterator[None]:
        async with sessions() as session, session.begin():
            # Owners whose key results predate check-in schedules (revision 0003) get one.
            await schedule_unscheduled(session, utcnow())
        await jobs.start()
        yield
        await jobs.stop()  # finishes the sends in flight and hands the other claims back
        await close_ports(ports)

    app.cleanup_ctx.append(run_jobs)
    for key, value in app_keys.items():
        app[key] = value
    if own_engine:

        async def dispose(_: web.Application) -> None:
            await engine.dispose()

        app.on_cleanup.append(dispose)
    return app
