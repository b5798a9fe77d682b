"""Microsoft Teams' settings (the Bot Framework app's identity), read from the environment."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import BaseSettings

from bot.config import FROM_ENVIRONMENT, Environment

AppType = Literal["SingleTenant", "MultiTenant", "UserAssignedMSI"]


class TeamsSettings(BaseSettings):
    """MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, ...; no app id: unauthenticated local testing (refused in
    production)."""

    model_config = FROM_ENVIRONMENT

    microsoft_app_id: str | None = None
    microsoft_app_password: str | None = None
    microsoft_app_type: AppType = "SingleTenant"
    microsoft_app_tenant_id: str | None = None
    # The core's setting too (bot/config.py): production refuses to serve Teams unauthenticated.
    okrbot_env: Environment = "development"

    @property
    def configured(self) -> bool:
        """Any of the app's settings is set (a half-set one is an error `check_settings` names)."""
        return bool(self.microsoft_app_id or self.microsoft_app_password or self.microsoft_app_tenant_id)
