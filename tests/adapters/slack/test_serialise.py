"""as_json (the request path's serialiser) gives exactly what slack_sdk's validating to_dict() gives."""

from __future__ import annotations

import pytest
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    PlainTextObject,
    RichTextBlock,
    RichTextSectionElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack.home import home_view
from adapters.slack.modals import modal_view
from adapters.slack.render import ActionIds, card_messages
from adapters.slack.serialise import as_json
from tests.adapters.slack import MAYA, SLACK, slack_company
from tests.adapters.slack.test_blocks import COMMANDS
from tests.adapters.slack.test_modals import form_of
from tests.harness import Harness


@pytest.mark.parametrize("command", COMMANDS)
async def test_every_message_block_serialises_as_slack_sdk_does(okr: Harness, command: str) -> None:
    await slack_company(okr)
    response = await okr.say(command, who=MAYA, admin=True, **SLACK)
    ids = ActionIds()
    blocks = [
        block for card in response.cards for message in card_messages(card, ids) for block in message.blocks
    ]
    assert blocks
    for block in blocks:
        assert as_json(block) == block.to_dict()  # to_dict() also runs slack_sdk's validators


@pytest.mark.parametrize("command", ["new", "kr O1", "checkin KR1"])
async def test_every_modal_serialises_as_slack_sdk_does(okr: Harness, command: str) -> None:
    await slack_company(okr)
    view = modal_view(await form_of(okr, command))
    assert as_json(view) == view.to_dict()


async def test_the_home_view_serialises_as_slack_sdk_does(okr: Harness) -> None:
    await slack_company(okr)
    actor = okr.actor(MAYA, admin=None, workspace=SLACK["workspace"], platform=SLACK["platform"])
    view = home_view(await okr.bot.dashboard(actor))
    assert as_json(view) == view.to_dict()


def test_objects_with_their_own_layout_and_empty_values_follow_slack_sdk() -> None:
    confirm = ConfirmObject(title="Archive?", text="It leaves the lists.", confirm="Archive", style="danger")
    button = ButtonElement(text="Archive", action_id="a#1", value="O1", confirm=confirm)
    blocks = [
        ActionsBlock(elements=[button]),
        SectionBlock(text="no accessory", fields=[]),  # an empty list is left out
        RichTextBlock(elements=[RichTextSectionElement(elements=[])]),  # ...except where Slack allows one
        View(type="home", blocks=[SectionBlock(text=PlainTextObject(text="x", emoji=True))]),
    ]
    for block in blocks:
        assert as_json(block) == block.to_dict()
    assert as_json(blocks[1]) == {"type": "section", "text": {"type": "mrkdwn", "text": "no accessory"}}
    assert as_json(blocks[2])["elements"] == [{"type": "rich_text_section", "elements": []}]
