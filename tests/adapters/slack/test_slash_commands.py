"""/okr over signed HTTP: answers in the ack, forms as modals, members from users.info."""

from __future__ import annotations

import json

import sqlalchemy as sa

from storage.tables import Member
from tests.adapters.slack.conftest import SlackRig
from tests.adapters.slack.wire import MAYA


async def test_a_command_is_answered_in_the_ack_only_to_the_caller(slack: SlackRig) -> None:
    reply = await slack.command("new Delight our first customers")

    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert "Delight our first customers" in json_text(body)
    listed = (await slack.command("list")).json()
    assert "O1" in json_text(listed)


async def test_first_sight_creates_the_member_from_users_info_once(slack: SlackRig) -> None:
    await slack.command("list")
    await slack.command("list")
    await slack.settled()

    assert [c.args["user"] for c in slack.api.calls("users.info")] == [MAYA]
    async with slack.engine.connect() as connection:
        rows = (
            await connection.execute(
                sa.select(Member.platform_user_id, Member.display_name, Member.tz, Member.is_admin)
            )
        ).all()  # type: ignore[call-overload]
    assert [tuple(r) for r in rows] == [(MAYA, "maya", "Europe/Berlin", True)]


async def test_a_bad_command_gets_one_line_and_usage(slack: SlackRig) -> None:
    reply = await slack.command("checkin KR99 forty")

    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert body["text"] == '❌ "forty" is not a number: okr checkin KR99 &lt;value&gt;'
    assert body["blocks"][-1]["elements"][0]["text"].startswith("Usage: okr checkin KR34 [value")


async def test_new_with_no_title_opens_a_modal(slack: SlackRig) -> None:
    reply = await slack.command("new")
    await slack.settled()

    assert reply.status == 200 and reply.text == ""
    (opened,) = slack.api.calls("views.open")
    assert opened.ok
    assert opened.args["view"]["callback_id"] == "okr.form.new_objective"


async def test_share_posts_for_everyone(slack: SlackRig) -> None:
    await slack.command("new Ship the beta")

    reply = await slack.command("show O1 share")

    assert reply.json()["response_type"] == "in_channel"


def json_text(body: dict[str, object]) -> str:
    return json.dumps(body, ensure_ascii=False)


async def test_slack_escaped_text_reaches_the_core_as_typed(slack: SlackRig) -> None:
    # Slack sends "R&D <3" as "R&amp;D &lt;3" in a slash command's text.
    await slack.command("new Make R&amp;D fun &lt;3")

    assert (
        "Make R&amp;D fun &lt;3" in (await slack.command("show O1")).json()["text"]
    )  # escaped once, for mrkdwn
    assert "&amp;amp;" not in (await slack.command("show O1")).text


async def test_a_kept_list_is_the_same_message_until_a_check_in_changes_it(slack: SlackRig) -> None:
    await slack.command("new Delight our first customers")
    await slack.command("kr O1 Reach 40 reference customers")
    first = await slack.command("list")
    again = await slack.command("list")  # kept (bot/answers.py), and its Block Kit rendered once
    assert again.text == first.text

    await slack.command("checkin KR1 40")
    after = await slack.command("list")
    assert after.text != first.text
    assert "100%" in json_text(after.json())
