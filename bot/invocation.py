"""What crosses into the core from an adapter: who asked, where, and what."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.enums import Platform
from bot.views.actions import ActionId, FormId


@dataclass(frozen=True)
class ConversationRef:
    """Where to answer. `opaque` is the platform's own address (a Slack channel id, a Teams reference)."""

    platform: Platform
    workspace_id: str
    opaque: str


@dataclass(frozen=True)
class Actor:
    """The person behind an invocation, as the platform describes them."""

    platform: Platform
    workspace_id: str  # the Slack team id / Teams tenant id / console workspace name
    user_id: str
    display_name: str
    tz: str | None = None  # IANA zone when the platform told us
    is_admin: bool | None = None  # what the platform says now; None when it did not say


@dataclass(frozen=True)
class CommandText:
    """What someone typed, with the platform's markup for people and channels already made neutral.

    The adapter's inbound translation writes each person or channel the platform identified as
        @{<user id>|<name>}     a person: `@{U123|Jane Doe}`, `@{U123|}` (no name), `@{|Jane Doe}` (no id)
        #{<channel id>|<name>}  a channel: `#{C123|general}`, `#{C123|}`
    Neither part contains `{`, `}`, and the id no `|` (adapters leave those characters out). Slack's
    `<@U123|jane>` and `<#C123|general>`, and Teams' `<at>Jane Doe</at>`, arrive this way; a plain `@jane` or
    `#wins` is a name someone typed (the console's only kind). Anything else, a Slack broadcast (`<!here>`) or
    link included, is ordinary text. Titles and notes keep the neutral form, and each adapter draws it back
    in its own markup.
    """

    text: str


@dataclass(frozen=True)
class ActionPress:
    action: ActionId
    value: str


@dataclass(frozen=True)
class FormSubmit:
    form: FormId
    state: str
    values: dict[str, str | None]


@dataclass(frozen=True)
class Invocation:
    actor: Actor
    conversation: ConversationRef
    what: CommandText | ActionPress | FormSubmit
