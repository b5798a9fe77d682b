"""Microsoft Teams: the OKR bot over the Bot Framework (botbuilder's CloudAdapter on the shared aiohttp server).

Every botbuilder/botframework import of the project lives in this package (the SDK is archived upstream).
"""

from adapters.teams.mount import teams_mount

__all__ = ["teams_mount"]
