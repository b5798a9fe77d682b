"""What the bot sends on its own, wired: the ChatPort of each platform, and the planners the clock runs.

`okrbot serve` takes the ports of the adapters it mounts; `okrbot worker` and `okrbot tick` send without serving,
so they build the same ports here from the settings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.console.port import ConsoleChatPort
from adapters.slack.app import slack_chat_port
from adapters.slack.settings import slack_config
from bot.config import Settings
from bot.core import OkrBot
from bot.domain.enums import Platform
from bot.jobs.coach import TICK_PLANNERS
from bot.jobs.tick import Planner
from bot.ports import ChatPort


def tick_planners() -> list[Planner]:
    """What the clock asks every minute: check-in prompts, reminders, digests, end-of-cycle nudges."""
    return list(TICK_PLANNERS)


def platform_ports(settings: Settings, *, engine: AsyncEngine, bot: OkrBot) -> dict[Platform, ChatPort]:
    """The Slack and Teams ports the settings configure, without any web route."""
    ports: dict[Platform, ChatPort] = {}
    slack = slack_config(settings)
    if slack is not None:
        ports[Platform.SLACK] = slack_chat_port(slack, engine=engine)
    if settings.microsoft_app_id:
        from adapters.teams import teams_mount  # the Bot Framework SDK loads only when Teams is configured

        _, ports[Platform.TEAMS] = teams_mount(settings, bot)
    return ports


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


async def close_ports(ports: Mapping[Platform, ChatPort]) -> None:
    """Close the connections ports keep open (the Slack port's shared pool), at shutdown."""
    for port in ports.values():
        close = getattr(port, "close", None)
        if close is not None:
            await close()
