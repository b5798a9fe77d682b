"""Delivering the core's Response in Slack: in the ack when it is ready in time, else through response_url.

Slack waits 3 seconds for the HTTP answer. Most core answers take milliseconds, so they ride in the ack's body
(one round trip, nothing else to rate-limit). When one is late, the ack goes out empty and the answer follows
through response_url, which Slack accepts for 30 minutes.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.inbound import ModalMemo, Origin
from adapters.slack.modals import modal_view
from adapters.slack.render import message_payload
from adapters.slack.serialise import as_json
from bot.views.cards import Attachment, Form, Response, Visibility

log = logging.getLogger(__name__)

# Exports up to this size are shown inline as a code block; Slack's section limit is 3000 characters.
INLINE_EXPORT_MAX = 2800


def _response_type(response: Response) -> str:
    return "in_channel" if response.visibility is Visibility.EVERYONE else "ephemeral"


@dataclass
class _Rendered:
    response: Response  # held, so that its id is not reused while the entry lives
    messages: list[dict[str, Any]]
    ack_body: str | None = None  # the first message as the ack's JSON body, once asked for


# The responses rendered last, by identity. A kept answer (bot/answers.py) is the same Response object each time
# it is handed out, and turning its cards into Block Kit and then JSON costs more than the rest of the request.
# Nobody mutates the messages.
_RENDERED: OrderedDict[int, _Rendered] = OrderedDict()
RENDERED_KEPT = 1_000  # a rendered list is about 40 KiB


def _rendered(response: Response) -> _Rendered:
    rendered = _RENDERED.get(id(response))
    if rendered is not None and rendered.response is response:
        _RENDERED.move_to_end(id(response))
        return rendered
    messages = list(message_payload(response))
    messages.extend(_attachment_message(a) for a in response.attachments)
    rendered = _RENDERED[id(response)] = _Rendered(response, messages)
    if len(_RENDERED) > RENDERED_KEPT:
        _RENDERED.popitem(last=False)
    return rendered


def messages_of(response: Response) -> list[dict[str, Any]]:
    """Every Slack message this response becomes (long cards split; attachments after them)."""
    return _rendered(response).messages


def _attachment_message(attachment: Attachment) -> dict[str, Any]:
    if len(attachment.content) <= INLINE_EXPORT_MAX:
        text = f"*{attachment.filename}*\n```{attachment.content}```"
    else:
        text = (
            f"*{attachment.filename}* is {len(attachment.content):,} characters, too long for a message: "
            "run `okrbot export` on the bot's host for the whole file."
        )
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


async def ack_with(ack: AsyncAck, response: Response) -> list[dict[str, Any]]:
    """Put the first message in the ack; return the rest, for `follow_up`."""
    rendered = _rendered(response)
    if not rendered.messages:
        await ack()
        return []
    first, *rest = rendered.messages
    if rendered.ack_body is None:
        body = {"text": first["text"], "response_type": _response_type(response), "blocks": first["blocks"]}
        rendered.ack_body = json.dumps(body)
    # What ack(text=, blocks=, response_type=) sets, with the JSON made once per response rather than once per
    # request (a BoltResponse's str body that starts with "{" goes out as application/json).
    ack.response = BoltResponse(status=200, body=rendered.ack_body)
    return rest


async def follow_up(
    client: AsyncWebClient, origin: Origin, response: Response, messages: list[dict[str, Any]]
) -> None:
    """Send messages after the ack: through response_url when there is one, else as a DM from the bot."""
    replace = response.replace_original
    for message in messages:
        if origin.response_url and await _respond(origin.response_url, response, message, replace=replace):
            replace = False  # only the first message replaces the one the button was on
            continue
        await client.chat_postMessage(channel=origin.user_id, text=message["text"], blocks=message["blocks"])


async def _respond(url: str, response: Response, message: dict[str, Any], *, replace: bool) -> bool:
    webhook = AsyncWebhookClient(url)
    answer = await webhook.send(
        text=message["text"],
        blocks=message["blocks"],
        response_type=_response_type(response),
        replace_original=replace,
    )
    if answer.status_code != 200:
        # An expired response_url (30 minutes, 5 uses): the caller falls back to a DM.
        log.info("response_url answered %s; sending a DM instead", answer.status_code)
        return False
    return True


async def open_form(client: AsyncWebClient, origin: Origin, form: Form) -> None:
    """Open a form as a modal. The trigger id lives 3 seconds, so this comes before anything slow."""
    if origin.trigger_id is None:
        await client.chat_postMessage(channel=origin.user_id, text=f"Open {form.title} from a slash command.")
        return
    view = modal_view(form)
    memo = ModalMemo(form.state, origin.response_url, origin.channel_id)
    view.private_metadata = memo.dump()
    try:
        await client.views_open(trigger_id=origin.trigger_id, view=as_json(view))
    except SlackApiError as error:
        if error.response.get("error") != "expired_trigger_id":
            raise
        text = "That took too long for Slack to open the form; please try again."
        await client.chat_postEphemeral(
            channel=origin.channel_id or origin.user_id, user=origin.user_id, text=text
        )
