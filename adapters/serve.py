"""`okrbot serve`: one aiohttp server with every configured platform on it, on one database.

Stopping (SIGTERM from the host, or Ctrl-C) takes at most STOP_WITHIN seconds, in this order:
1. on_shutdown: /readyz turns 503 while the port still answers, so a load balancer sees "not ready" rather
   than a refused connection; Slack work started so far gets a first, short drain.
2. The port closes (new connections are refused); idle keep-alive connections close; requests in progress
   get IN_FLIGHT_WITHIN seconds to finish.
3. Slack work that goes on after an ack (late answers, App Home) gets DRAIN_WITHIN seconds; the clock stops
   and the sender finishes its sends in flight within JOBS_WITHIN and hands its other claims back; the
   platforms' connection pools and the database engine close. The process exits 0.
aiohttp alone would stop listening before on_shutdown and wait up to 60 s for requests.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.ops.metrics import Metrics
from adapters.ops.readiness import Readiness
from adapters.outbound import close_ports, tick_planners, with_console
from adapters.server import Mount, build_app, for_platform
from adapters.slack.app import SlackAdapter, build_slack_adapter
from adapters.slack.settings import slack_config
from bot.answers import AnswerCache
from bot.config import Settings
from bot.core import OkrBot
from bot.domain.clock import Clock, system_clock
from bot.domain.enums import Platform
from bot.jobs.coach import plan_for_events, schedule_unscheduled
from bot.jobs.runtime import JobsRuntime
from bot.ports import ChatPort
from storage import migrate
from storage.changes import NothingKept, watch_changes
from storage.engine import create_engine, session_factory
from storage.secrets import TokenCipher

log = logging.getLogger(__name__)

BOT = web.AppKey("bot", OkrBot)
PORTS = web.AppKey("ports", dict[Platform, ChatPort])
SLACK = web.AppKey("slack", SlackAdapter)
JOBS = web.AppKey("jobs", JobsRuntime)

# Docker gives a stopped container 10 s before SIGKILL (Heroku and Kubernetes 30 s): stop well within that.
STOP_WITHIN = 9.5
IN_FLIGHT_WITHIN = 2.5  # Slack answers within 3 s by design; a request still running after this is cut off
DRAIN_WITHIN = 2.0
JOBS_WITHIN = 2.0  # the sender's send timeout is 15 s: a stuck send is cut off and handed back
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


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


async def serving_app(
    settings: Settings, *, engine: AsyncEngine | None = None, clock: Clock = system_clock
) -> web.Application:
    """The web app `okrbot serve` runs; raises a settings error naming what is wrong before it listens.

    `clock` is what time it is for everything the app plans, sends and stamps.
    """
    own_engine = engine is None
    engine = engine or create_engine(settings.database_url)
    await migrate.ensure_migrated(engine)
    sessions = session_factory(engine)
    # The ports are filled in below as the platforms mount; the sender reads them when it sends.
    ports: dict[Platform, ChatPort] = {}
    metrics = Metrics(sessions, clock=clock)
    jobs = JobsRuntime(
        sessions,
        ports,
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
            await app[SLACK].listeners.drain(within=DRAIN_WITHIN)
        await jobs.stop(within=JOBS_WITHIN)  # finishes the sends in flight and hands the other claims back
        await close_ports(ports)
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


class _OnShutdownFirst(web.AppRunner):
    """An AppRunner whose cleanup leaves on_shutdown out: `serve` runs it before the port closes."""

    async def shutdown(self) -> None:
        pass


async def serve(
    app: web.Application, *, host: str, port: int, signals: Sequence[signal.Signals] = STOP_SIGNALS
) -> None:
    """Serve `app` until one of `signals`, then stop as the module's docstring says, within STOP_WITHIN."""
    loop = asyncio.get_running_loop()
    runner = _OnShutdownFirst(app, handle_signals=False, shutdown_timeout=IN_FLIGHT_WITHIN)
    await runner.setup()  # on_startup: the platforms connect, the clock and the sender start
    # Everything loaded so far (modules, SQLAlchemy's and the SDKs' tables) lives as long as the process: out of
    # the collector's sight, a full collection walks only what requests made since, and no longer stalls every
    # request in flight for 100-150 ms (measured at 800 req/s).
    gc.freeze()
    stopping = asyncio.Event()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        for signum in signals:
            loop.add_signal_handler(signum, stopping.set)
        log.info("okrbot serve: listening on %s", site.name)
        await stopping.wait()
    finally:
        started = loop.time()
        if stopping.is_set():
            log.info("okrbot serve: stopping")
        try:
            async with asyncio.timeout(STOP_WITHIN):
                if stopping.is_set():
                    await app.shutdown()
                await runner.cleanup()
        except TimeoutError:
            # Every stage is bounded, so this is a bug; exiting now still beats being killed mid-write.
            log.error("okrbot serve: not stopped within %ss; exiting anyway", STOP_WITHIN)
        for signum in signals:
            loop.remove_signal_handler(signum)
    log.info("okrbot serve: stopped in %.1f s", loop.time() - started)
