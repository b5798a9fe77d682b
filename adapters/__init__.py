"""One package per chat platform, each with the same files for the same roles.

    settings.py    the platform's settings, read from the environment (Slack, Teams)
    inbound.py     a platform payload -> the core's `Invocation` parts, platform markup -> neutral mentions
    routes.py      what each kind of request does: translate, ask the core, reply (Bolt listeners, Bot
                   Framework turn handlers, the console's read-eval-print loop)
    render.py      the core's Cards and Forms in the platform's format (Block Kit, Adaptive Cards, text)
    reply.py       sending the Response to the request at hand (Slack: in the ack or through response_url;
                   Teams: activities in the turn, invoke responses)
    chat_port.py   the `ChatPort`: what the bot sends on its own (DMs, posts, updates)
    mount.py       the adapter assembled: one object with its routes (added to the web app) and its port

The console has no settings, inbound payloads or mount of its own. What only one platform has (Slack's
installations and token rotation, Teams' authentication and stored references) sits beside these under a name
that says what it is. adapters/bootstrap.py wires the adapters to the core.
"""
