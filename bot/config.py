"""Settings from the environment (and a `.env` file in the working directory, if there is one).

Every field is read from the variable of the same name in upper case: `DATABASE_URL`, `OKRBOT_ENV`,
`DEFAULT_TIMEZONE`. A variable set in the environment wins over the same one in `.env`.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator
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
