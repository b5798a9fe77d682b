"""The core's and the deployment's settings, from the environment (and a `.env` file in the working directory).

Every field is read from the variable of the same name in upper case: `DATABASE_URL`, `OKRBOT_ENV`,
`DEFAULT_TIMEZONE`. A variable set in the environment wins over the same one in `.env`. Each chat platform's
settings live with its adapter (adapters/slack/settings.py, adapters/teams/settings.py), read the same way;
adapters/settings.py puts them all in one object for the `okrbot` command.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "production", "test"]

# How every settings class of the project reads the environment.
FROM_ENVIRONMENT = SettingsConfigDict(
    env_file=".env",
    env_file_encoding="utf-8",
    case_sensitive=False,
    # `.env` files are shared with other tools (docker compose, the platforms' SDKs) and with the other settings
    # classes: ignore what is not this one's.
    extra="ignore",
)


class Settings(BaseSettings):
    model_config = FROM_ENVIRONMENT

    # Any of `sqlite:///okr.db`, a bare path, `postgres://` or `postgresql://` URLs (see storage.engine).
    database_url: str = "sqlite:///okrbot.db"
    okrbot_env: Environment = "development"
    # The time zone of a new workspace until someone changes it (an IANA name such as "Europe/Berlin").
    default_timezone: str = "UTC"

    # `okrbot serve`
    host: str = "0.0.0.0"
    port: int = 3000
    # False: `okrbot serve` only serves requests, and a separate `okrbot worker` runs the clock and the sender
    # (a deployment that scales its web processes apart from its one or two workers).
    okrbot_run_jobs: bool = True
    # Keep answers to read-only commands and dashboards until their workspace's data changes (bot/answers.py).
    okrbot_keep_answers: bool = True

    # The outbox sender (bot/delivery/sender.py): messages per second to one workspace, tries before a message is
    # set aside, and how long a sender's claim lasts (a crashed sender's messages come back after it).
    outbox_rate_slack: float = Field(default=10.0, gt=0)
    outbox_rate_teams: float = Field(default=20.0, gt=0)
    outbox_max_attempts: int = Field(default=8, ge=1)
    outbox_lease_seconds: float = Field(default=60.0, ge=30)  # above the sender's 15 s send timeout

    # Encrypts platform tokens at rest (a Fernet key: `okrbot rotate-key --new` prints one). Slack's OAuth mode
    # needs it.
    okrbot_secret_key: str | None = None

    @field_validator("default_timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(
                f"{value!r} is not a time zone this machine knows: use an IANA name such as "
                '"Europe/Berlin" or "America/New_York"'
            ) from None
        return value


def load_settings() -> Settings:
    """The settings of this process: the environment, then `.env`, then the defaults."""
    return Settings()
