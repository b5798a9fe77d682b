"""Bot Framework activities -> the core's Invocation parts, as small pure functions."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from botbuilder.schema import Activity, ChannelAccount, ConversationReference, Mention

from bot.domain.enums import Platform
from bot.invocation import ActionPress, Actor, ConversationRef, FormSubmit
from bot.views.actions import ActionId, FormId

PERSONAL = "personal"
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_KEPT_NAME = re.compile("\x00([^\x00\x01]*)\x01")  # a mention set aside while tags are stripped


def tenant_id(activity: Activity) -> str | None:
    """The Microsoft Entra tenant: Teams puts it in channelData, newer payloads also on the conversation."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    if isinstance(tenant, dict) and isinstance(tenant.get("id"), str) and tenant["id"]:
        return str(tenant["id"])
    conversation = activity.conversation
    if conversation is None:
        return None
    # The schema maps `tenant_id` to "tenantID"; Teams sends "tenantId", which lands in additional_properties.
    extra = getattr(conversation, "additional_properties", None) or {}
    tenant = conversation.tenant_id or extra.get("tenantId")
    return str(tenant) if isinstance(tenant, str) and tenant else None


def conversation_type(activity: Activity) -> str:
    """`personal`, `channel` or `groupChat`; the Bot Framework leaves it out for personal chats sometimes."""
    kind = activity.conversation.conversation_type if activity.conversation else None
    return str(kind) if kind else PERSONAL


def user_id(account: ChannelAccount) -> str:
    """The id a member has in the core: the Teams user id (29:...), which mentions and the roster carry too."""
    return str(account.id)


def actor(activity: Activity, tenant: str, *, known_name: str | None = None) -> Actor:
    """Who acted. Some activities carry no name: `known_name` (what we stored) keeps theirs from being lost."""
    who = activity.from_property
    return Actor(
        Platform.TEAMS,
        tenant,
        user_id=user_id(who),
        display_name=(who.name or "").strip() or known_name or user_id(who),
        tz=activity.local_timezone or None,
        is_admin=None,  # Teams does not say who administers the tenant
    )


def base_conversation_id(conversation_id: str) -> str:
    """A channel thread's id is the channel's plus `;messageid=...`; proactive posts go to the channel."""
    return conversation_id.split(";messageid=")[0]


def reference_json(activity: Activity) -> str:
    """The activity's conversation reference, pointing at the conversation rather than one message in it."""
    # A copy: the reference shares the activity's own conversation object, which replies still need whole.
    reference = ConversationReference().deserialize(activity.get_conversation_reference().serialize())
    reference.conversation.id = base_conversation_id(reference.conversation.id)
    reference.activity_id = None
    return json.dumps(reference.serialize(), sort_keys=True)


def reference_of(opaque: str) -> ConversationReference:
    reference: ConversationReference = ConversationReference().deserialize(json.loads(opaque))
    return reference


def conversation(activity: Activity, tenant: str) -> ConversationRef:
    return ConversationRef(Platform.TEAMS, tenant, reference_json(activity))


def _mentions(activity: Activity) -> list[Mention]:
    # Activity deserialises entities as bare `Entity` objects whose fields sit in additional_properties, and
    # the SDK's own TurnContext.get_mentions hands those back as they are (no `.mentioned`): rebuild them.
    found = []
    for entity in activity.entities or []:
        if entity.type == "mention":
            fields = {**(getattr(entity, "additional_properties", None) or {}), **entity.serialize()}
            found.append(Mention().deserialize(fields))
    return found


def other_mentions(activity: Activity) -> list[ChannelAccount]:
    """People mentioned in a message, other than the bot."""
    bot_id = activity.recipient.id if activity.recipient else None
    return [m.mentioned for m in _mentions(activity) if m.mentioned is not None and m.mentioned.id != bot_id]


def command_text(activity: Activity) -> str:
    """The words typed, without the bot's @mention, markup or entities; other people's mentions become the
    core's `@{|Name}` (bot/invocation.py: a name, as the core links Teams people by their names)."""
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    for mention in _mentions(activity):
        if mention.mentioned is None or not mention.text:
            continue
        if mention.mentioned.id == bot_id:
            text = text.replace(mention.text, " ")
        elif mention.mentioned.name:
            # People may shorten a mention to a first name ("<at>Sam</at>"): the entity has the full name.
            text = text.replace(mention.text, f"<at>{mention.mentioned.name}</at>")
    # Keep other people's mentions, drop every other tag Teams adds.
    text = _TAGS.sub(" ", _set_mentions_aside(text))
    text = html.unescape(text).replace("\xa0", " ")
    text = _KEPT_NAME.sub(_neutral_mention, text)
    return _SPACES.sub(" ", text).strip()


def _set_mentions_aside(text: str) -> str:
    """Each `<at>Name</at>` as `\x00Name\x01`, out of the tag stripper's way. A scan with `find`, not a lazy
    regex, so that a message full of unclosed `<at>` costs linear time."""
    lower = text.lower()
    parts: list[str] = []
    done = 0
    while (start := lower.find("<at>", done)) >= 0 and (end := lower.find("</at>", start + 4)) >= 0:
        parts += (text[done:start], "\x00", text[start + 4 : end], "\x01")
        done = end + 5
    parts.append(text[done:])
    return "".join(parts)


def _neutral_mention(match: re.Match[str]) -> str:
    name = match[1].replace("{", "").replace("}", "")
    return f"@{{|{name}}}"


def card_press(data: Any) -> ActionPress | FormSubmit | None:
    """A card's `data` (with the inputs Teams merged into it) -> what was pressed; None when it is not ours."""
    if not isinstance(data, dict):
        return None
    if "form" in data:
        try:
            form = FormId(data["form"])
        except ValueError:
            return None
        state = data.get("state")
        values = {
            str(name): _input_value(value)
            for name, value in data.items()
            if name not in ("form", "state", "msteams")
        }
        return FormSubmit(form, state if isinstance(state, str) else "", values)
    if "action" in data:
        try:
            action = ActionId(data["action"])
        except ValueError:
            return None
        payload = data.get("payload")
        return ActionPress(action, payload if isinstance(payload, str) else "")
    return None


def _input_value(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def execute_data(activity: Activity) -> Any:
    """The `data` of an Action.Execute, from an `adaptiveCard/action` invoke."""
    value = activity.value if isinstance(activity.value, dict) else {}
    action = value.get("action")
    return action.get("data") if isinstance(action, dict) else None
