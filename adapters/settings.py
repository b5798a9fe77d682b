"""Every setting of a running okrbot in one object: the core's (bot/config.py) and each platform's.

`okrbot` reads these; the core and each adapter take the part they know (an `AppSettings` is a core `Settings`,
a `SlackSettings` and a `TeamsSettings` at once). Every field still comes from its own environment variable.
"""

from __future__ import annotations

from adapters.slack.settings import SlackSettings
from adapters.teams.settings import TeamsSettings
from bot.config import FROM_ENVIRONMENT, Settings


class AppSettings(Settings, SlackSettings, TeamsSettings):
    model_config = FROM_ENVIRONMENT


def load_settings() -> AppSettings:
    """The settings of this process: the environment, then `.env`, then the defaults."""
    return AppSettings()
