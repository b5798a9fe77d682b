"""Answering the activity at hand in Teams: cards as message activities, replaced cards, invoke responses.

An `adaptiveCard/action` invoke is answered in its HTTP response (a card to show in place of the pressed one,
or an error); everything else is sent as activities in the turn.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes, InvokeResponse

from adapters.teams import render
from bot.views.cards import Attachment

CARD_RESPONSE = "application/vnd.microsoft.card.adaptive"
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"
ERROR_RESPONSE = "application/vnd.microsoft.error"
ATTACHMENT_TEXT_MAX = 20_000


def card_activity(card: dict[str, Any]) -> Activity:
    return MessageFactory.attachment(render.attachment(card))


def attachment_text(attachment: Attachment) -> str:
    # Files in Teams need the user's consent (a file consent card, personal chats only); an export is text,
    # so it goes inline, cut to what a message can carry.
    content = attachment.content
    if len(content) > ATTACHMENT_TEXT_MAX:
        content = content[:ATTACHMENT_TEXT_MAX] + "\n…"
    return f"**{attachment.filename}**\n\n```\n{content}\n```"


async def update(context: TurnContext, activity_id: str, card: dict[str, Any]) -> None:
    replacement = card_activity(card)
    replacement.id = activity_id
    await context.update_activity(replacement)


def card_body(card: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200, "type": CARD_RESPONSE, "value": card}


def done_body() -> dict[str, Any]:
    return {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": "Done"}


def error_body(message: str) -> dict[str, Any]:
    return {"statusCode": 400, "type": ERROR_RESPONSE, "value": {"code": "BadRequest", "message": message}}


async def invoke_answer(context: TurnContext, body: dict[str, Any], status: int = HTTPStatus.OK) -> None:
    await context.send_activity(
        Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=status, body=body))
    )
