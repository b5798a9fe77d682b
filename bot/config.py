"""Settings from the environment (and a `.env` file in the working directory, if there is one).

Every field is read from the variable of the same name in upper case: `DATABASE_URL`, `OKRBOT_ENV`,
`DEFAULT_TIMEZONE`. A variable set in the environment wins over the same one in `.env`.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "production", "test"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=False,
        # `.env` files are shared with other tools (docker compose, the platforms' SDKs): ignore what is not ours.
        extra="ignore",
    )

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

    # Slack: a single workspace (bot token + signing secret), many through OAuth (client id + secret +
    # signing secret), or Socket Mode (app token + bot token). See adapters/slack/settings.py for the rules.
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"

    # Microsoft Teams (Bot Framework). No app id: unauthenticated local testing (refused in production).
    microsoft_app_id: str | None = None
    microsoft_app_password: str | None = None
    microsoft_app_type: Literal["SingleTenant", "MultiTenant", "UserAssignedMSI"] = "SingleTenant"
    microsoft_app_tenant_id: str | None = None

    # The outbox sender (bot/delivery/sender.py): messages per second to one workspace, tries before a message is
    # set aside, and how long a sender's claim lasts (a crashed sender's messages come back after it).
    outbox_rate_slack: float = Field(default=10.0, gt=0)
    outbox_rate_teams: float = Field(default=20.0, gt=0)
    outbox_max_attempts: int = Field(default=8, ge=1)
    outbox_lease_seconds: float = Field(default=60.0, ge=30)  # above the sender's 15 s send timeout

    # Encrypts platform tokens at rest (a Fernet key: `okrbot rotate-key --new` prints one).
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
