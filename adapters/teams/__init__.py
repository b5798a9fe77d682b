"""Microsoft Teams: the OKR bot over the Bot Framework (botbuilder's CloudAdapter on the shared aiohttp server).

Every botbuilder/botframework import of the project lives in this package (the SDK is archived upstream), and
only in the modules that need it: `settings` loads without the SDK, so the settings of a process that does not
want Teams never load it. `mount.teams_mount` is the adapter's entry point.
"""
