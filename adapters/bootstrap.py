"""The composition root: the engine, the core, the adapters, the jobs and the telemetry, wired in one place.

Every way okrbot runs starts here: `okrbot serve` (`serving_app`), `okrbot worker` and `okrbot tick`
(`sending`), `okrbot console` and `demo` (`console_bot`), and the tests' rigs and benches. The order is the
dependencies': each platform's connection and ChatPort first (they need only the settings and the database),
then the jobs that send through those ports, then the core that reports its events to the jobs, and last the
platforms' routes, which call the core.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.console.chat_port import ConsoleChatPort
from adapters.ops.metrics import Metrics
from adapters.ops.readiness import Readiness
from adapters.serve import DRAIN_WITHIN, JOBS_WITHIN
from adapters.server import Mount, build_app, for_platform
from adapters.settings import AppSettings
from adapters.slack.mount import SlackAdapter, SlackConnection, slack_connection, slack_mount
from adapters.slack.settings import slack_config
from adapters.teams.settings import TeamsSettings
from bot.answers import AnswerCache
from bot.config import Settings
from bot.core import OkrBot
from bot.domain.clock import Clock, system_clock
from bot.domain.enums import Platform
from bot.jobs.coach import TICK_PLANNERS, plan_for_events, schedule_unscheduled
from bot.jobs.runtime import JobsRuntime
from bot.jobs.tick import Planner
from bot.ports import ChatPort
from storage import migrate
from storage.changes import NothingKept, watch_changes
from storage.engine import create_engine, session_factory
from storage.secrets import TokenCipher

if TYPE_CHECKING:  # the Bot Framework SDK loads only when Teams is wanted
    from adapters.teams.mount import TeamsConnection

log = logging.getLogger(__name__)

BOT = web.AppKey("bot", OkrBot)
PORTS = web.AppKey("ports", dict[Platform, ChatPort])
SLACK = web.AppKey("slack", SlackAdapter)
JOBS = web.AppKey("jobs", JobsRuntime)


class SettingsError(ValueError):
    """Settings that cannot work together; the message names the one to fix."""


def wants_teams(settings: TeamsSettings) -> bool:
    """Teams joins the server when it is configured, and in development even when it is not: then it runs
    unauthenticated for local testing (the adapter warns loudly, and refuses to in production)."""
    return settings.configured or settings.okrbot_env != "production"


def check_settings(settings: AppSettings) -> None:
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


def tick_planners() -> list[Planner]:
    """What the clock asks every minute: check-in prompts, reminders, digests, end-of-cycle nudges."""
    return list(TICK_PLANNERS)


# ------------------------------------------------------------------------------------------ the platforms


@dataclass
class Platforms:
    """Each configured platform's connection, and every ChatPort the jobs send through (the console's too)."""

    slack: SlackConnection | None = None
    teams: TeamsConnection | None = None
    ports: dict[Platform, ChatPort] = field(default_factory=dict)

    async def close(self) -> None:
        """Close the connections ports keep open (the Slack port's shared pool), at shutdown."""
        for port in self.ports.values():
            await port.close()


def platforms(
    settings: AppSettings,
    *,
    engine: AsyncEngine,
    clock: Clock,
    serving: bool,
    write: Callable[[str], None] = print,
) -> Platforms:
    """The platforms `settings` configure, with their ports. `serving`: Teams is wanted as `okrbot serve` wants
    it (in development even unconfigured); a process that only sends takes Teams' port only when configured."""
    built = Platforms()
    slack = slack_config(settings)
    if slack is not None:
        built.slack = slack_connection(slack, engine=engine)
        built.ports[Platform.SLACK] = built.slack.port
    if wants_teams(settings) if serving else bool(settings.microsoft_app_id):
        # Imported only when wanted: the Bot Framework SDK is large and archived upstream.
        from adapters.teams.mount import teams_connection

        built.teams = teams_connection(
            settings, session_factory(engine), default_tz=settings.default_timezone, clock=clock
        )
        built.ports[Platform.TEAMS] = built.teams.port
    built.ports = with_console(built.ports, settings, write=write)
    return built


def with_console(
    ports: Mapping[Platform, ChatPort], settings: Settings, *, write: Callable[[str], None] = print
) -> dict[Platform, ChatPort]:
    """`ports`, plus the console's; outside production a platform with no port prints too.

    Printing lets people try the schedule on a laptop. In production a platform without its port keeps its
    messages in the outbox until the port is configured, rather than printing them and marking them sent.
    """
    every: dict[Platform, ChatPort] = {Platform.CONSOLE: ConsoleChatPort(write), **ports}
    if settings.okrbot_env != "production":
        for platform in (Platform.SLACK, Platform.TEAMS):
            every.setdefault(platform, ConsoleChatPort(write, platform=platform))
    return every


# ------------------------------------------------------------------------------------- the processes


def console_bot(settings: Settings, engine: AsyncEngine, *, clock: Clock = system_clock) -> OkrBot:
    """The core for `okrbot console` and `demo`: no platform, no jobs (nothing is sent from a terminal)."""
    return OkrBot(session_factory(engine), clock=clock, default_tz=settings.default_timezone)


def sending(
    settings: AppSettings, engine: AsyncEngine, *, clock: Clock = system_clock
) -> tuple[JobsRuntime, Platforms]:
    """The clock and the sender with every configured port, without the web server (`okrbot worker`, `tick`)."""
    sent = platforms(settings, engine=engine, clock=clock, serving=False)
    jobs = JobsRuntime(
        session_factory(engine), sent.ports, planners=tick_planners(), settings=settings, clock=clock
    )
    return jobs, sent


async def serving_app(
    settings: AppSettings, *, engine: AsyncEngine | None = None, clock: Clock = system_clock
) -> web.Application:
    """The web app `okrbot serve` runs; raises a settings error naming what is wrong before it listens.

    `clock` is what time it is for everything the app plans, sends and stamps.
    """
    own_engine = engine is None
    engine = engine or create_engine(settings.database_url)
    await migrate.ensure_migrated(engine)
    sessions = session_factory(engine)
    connected = platforms(settings, engine=engine, clock=clock, serving=True)
    metrics = Metrics(sessions, clock=clock)
    jobs = JobsRuntime(
        sessions,
        connected.ports,
        planners=tick_planners(),
        celebrations=plan_for_events,
        settings=settings,
        telemetry=metrics,
        clock=clock,
    )
    changes = watch_changes(engine) if settings.okrbot_keep_answers else NothingKept()
    bot = OkrBot(
        sessions,
        clock=clock,
        default_tz=settings.default_timezone,
        event_hooks=jobs.event_hooks,
        after_commit=jobs.after_commit,
        telemetry=metrics,
        answers=AnswerCache(changes) if settings.okrbot_keep_answers else None,
    )
    mounts: list[Mount] = []
    app_keys: dict[web.AppKey[Any], Any] = {}
    if connected.slack is not None:
        slack = slack_mount(connected.slack, bot, engine=engine)
        mounts.append(for_platform(Platform.SLACK, slack.mount))
        app_keys[SLACK] = slack
        log.info("Slack: %s", connected.slack.config.mode.value)
    if connected.teams is not None:
        from adapters.teams.mount import teams_mount

        mounts.append(for_platform(Platform.TEAMS, teams_mount(connected.teams, bot).mount))
        log.info(
            "Teams: %s", "authenticated" if settings.microsoft_app_id else "UNAUTHENTICATED (local testing)"
        )
    if not mounts:
        log.warning(
            "no Slack or Teams settings: serving only /healthz, /readyz and /metrics "
            "(try `okrbot console` for a local bot)"
        )
    app = await build_app(mounts, readiness=Readiness(engine), metrics=metrics)
    app[BOT] = bot
    app[PORTS] = connected.ports
    app[JOBS] = jobs

    async def run_jobs(app: web.Application) -> AsyncIterator[None]:
        await changes.start()
        await _schedule_unscheduled(sessions, clock())
        if settings.okrbot_run_jobs:
            await jobs.start()
        else:
            log.info("OKRBOT_RUN_JOBS is false: serving requests only; `okrbot worker` sends")
        yield
        # After the last request: Slack work still going on after its ack must finish before the ports close.
        if SLACK in app:
            await app[SLACK].routes.drain(within=DRAIN_WITHIN)
        await jobs.stop(within=JOBS_WITHIN)  # finishes the sends in flight and hands the other claims back
        await connected.close()
        await changes.close()

    app.cleanup_ctx.append(run_jobs)
    for key, value in app_keys.items():
        app[key] = value
    if own_engine:

        async def dispose(_: web.Application) -> None:
            await engine.dispose()

        app.on_cleanup.append(dispose)
    return app


async def _schedule_unscheduled(sessions: async_sessionmaker[AsyncSession], now: datetime) -> None:
    """Owners whose key results predate check-in schedules (revision 0003) get one, once."""
    try:
        async with sessions() as session, session.begin():
            await schedule_unscheduled(session, now)
    except IntegrityError:
        # Another instance starting at the same moment scheduled the same owners first: nothing is left to do.
        log.info("another instance scheduled the owners without a check-in schedule")
