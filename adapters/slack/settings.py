"""Slack's settings, and which way this bot connects to Slack, decided by the settings present, with a clear
error for half a set."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic_settings import BaseSettings

from bot.config import FROM_ENVIRONMENT


class SlackSettings(BaseSettings):
    """SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, ...: a single workspace (bot token + signing secret), many through
    OAuth (client id + secret + signing secret), or Socket Mode (app token + bot token)."""

    model_config = FROM_ENVIRONMENT

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    # The core's setting too (bot/config.py): OAuth mode encrypts the workspaces' tokens with it.
    okrbot_secret_key: str | None = None


class SlackMode(StrEnum):
    SINGLE_WORKSPACE = "single-workspace"  # a bot token and a signing secret, for one workspace
    OAUTH = "oauth"  # installed into many workspaces through "Add to Slack"
    SOCKET = "socket"  # Socket Mode: Slack connects to us, for hosts with no public URL


class SlackSettingsError(ValueError):
    """Slack settings that cannot work together; the message names what to set."""


@dataclass(frozen=True)
class SlackConfig:
    mode: SlackMode
    api_url: str
    signing_secret: str | None = None
    bot_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    app_token: str | None = None
    secret_key: str | None = None


def _missing(settings: SlackSettings, names: tuple[str, ...], why: str) -> None:
    absent = [name.upper() for name in names if not getattr(settings, name)]
    if absent:
        raise SlackSettingsError(f"{why} also needs {' and '.join(absent)}.")


def _prefixed(value: str | None, name: str, prefix: str) -> None:
    if value and not value.startswith(prefix):
        raise SlackSettingsError(
            f"{name.upper()} should start with {prefix!r}: check you copied the right token."
        )


def slack_config(settings: SlackSettings) -> SlackConfig | None:
    """The Slack connection these settings ask for, or None when no Slack setting is present at all."""
    _prefixed(settings.slack_bot_token, "slack_bot_token", "xoxb-")
    _prefixed(settings.slack_app_token, "slack_app_token", "xapp-")
    api_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    if settings.slack_app_token:
        _missing(settings, ("slack_bot_token",), "Socket Mode (SLACK_APP_TOKEN)")
        return SlackConfig(
            SlackMode.SOCKET, api_url, bot_token=settings.slack_bot_token, app_token=settings.slack_app_token
        )
    if settings.slack_client_id or settings.slack_client_secret:
        _missing(
            settings,
            ("slack_client_id", "slack_client_secret", "slack_signing_secret"),
            "Installing into many workspaces (SLACK_CLIENT_ID/SLACK_CLIENT_SECRET)",
        )
        # In every environment, production included: the workspaces' tokens are never stored in the clear.
        if not (settings.okrbot_secret_key or "").strip():
            raise SlackSettingsError(
                "OKRBOT_SECRET_KEY is not set: installing into many workspaces stores their Slack tokens, "
                "encrypted with it (`okrbot rotate-key --new` prints a key; any secret of 32+ characters works)."
            )
        return SlackConfig(
            SlackMode.OAUTH,
            api_url,
            signing_secret=settings.slack_signing_secret,
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            secret_key=settings.okrbot_secret_key,
        )
    if settings.slack_bot_token or settings.slack_signing_secret:
        _missing(settings, ("slack_bot_token", "slack_signing_secret"), "A single workspace")
        return SlackConfig(
            SlackMode.SINGLE_WORKSPACE,
            api_url,
            signing_secret=settings.slack_signing_secret,
            bot_token=settings.slack_bot_token,
        )
    return None
