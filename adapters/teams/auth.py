"""How the Teams adapter authenticates: inbound Bot Framework tokens, outbound app credentials.

The endpoints are the public cloud's unless a caller passes others (the tests point them at a local OpenID
metadata/JWKS server). They always go through the SDK's parameterized authentication, so that the metadata URLs
the SDK reads are exactly the ones `SigningKeys` keeps warm.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import SimpleNamespace

from botbuilder.integration.aiohttp import ConfigurationServiceClientCredentialFactory
from botbuilder.schema import CallerIdConstants
from botframework.connector.auth import (
    AuthenticationConstants,
    BotFrameworkAuthentication,
    BotFrameworkAuthenticationFactory,
)

from adapters.teams.credentials import ReusedCredentialsFactory
from adapters.teams.settings import TeamsSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TeamsEndpoints:
    """Where tokens come from and go to."""

    openid_metadata_url: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    emulator_openid_metadata_url: str = AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
    token_issuer: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
    login_url: str = AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL
    oauth_scope: str = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
    oauth_url: str = AuthenticationConstants.OAUTH_URL

    @property
    def metadata_urls(self) -> tuple[str, ...]:
        return (self.openid_metadata_url, self.emulator_openid_metadata_url)


class TeamsConfigError(Exception):
    """The Teams settings cannot work; the message says which variable to set."""


UNAUTHENTICATED_WARNING = (
    "!!! Teams: MICROSOFT_APP_ID is not set, so /api/messages accepts requests WITHOUT authentication. "
    "Use this only for local testing (Agents Playground, Bot Framework Emulator). !!!"
)


def check_settings(settings: TeamsSettings) -> bool:
    """True when inbound requests are authenticated. Refuses what cannot work, loudly warns what is unsafe."""
    if not settings.microsoft_app_id:
        if settings.okrbot_env == "production":
            raise TeamsConfigError(
                "MICROSOFT_APP_ID is not set and OKRBOT_ENV=production: refusing to serve Teams without "
                "authentication. Set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD."
            )
        log.warning(UNAUTHENTICATED_WARNING)
        return False
    kind = settings.microsoft_app_type
    if kind != "UserAssignedMSI" and not settings.microsoft_app_password:
        raise TeamsConfigError("MICROSOFT_APP_PASSWORD is required with MICROSOFT_APP_ID.")
    if kind in ("SingleTenant", "UserAssignedMSI") and not settings.microsoft_app_tenant_id:
        raise TeamsConfigError(f"MICROSOFT_APP_TENANT_ID is required for a {kind} app.")
    return True


def credentials_factory(settings: TeamsSettings) -> ReusedCredentialsFactory:
    """The app's outbound credentials (none without an app id), one per scope, kept across turns."""
    configuration = SimpleNamespace(
        APP_ID=settings.microsoft_app_id,
        APP_PASSWORD=settings.microsoft_app_password,
        APP_TYPE=settings.microsoft_app_type if settings.microsoft_app_id else "MultiTenant",
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )
    return ReusedCredentialsFactory(ConfigurationServiceClientCredentialFactory(configuration))


def authentication(
    endpoints: TeamsEndpoints, credentials: ReusedCredentialsFactory
) -> BotFrameworkAuthentication:
    return BotFrameworkAuthenticationFactory.create(
        validate_authority=True,
        to_channel_from_bot_login_url=endpoints.login_url,
        to_channel_from_bot_oauth_scope=endpoints.oauth_scope,
        to_bot_from_channel_token_issuer=endpoints.token_issuer,
        oauth_url=endpoints.oauth_url,
        to_bot_from_channel_open_id_metadata_url=endpoints.openid_metadata_url,
        to_bot_from_emulator_open_id_metadata_url=endpoints.emulator_openid_metadata_url,
        caller_id=CallerIdConstants.public_azure_channel,
        credential_factory=credentials,
    )
