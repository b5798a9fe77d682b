"""What the bot sends on its own, through `okrbot serve`'s Slack adapter: celebrations and check-in prompts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from adapters.bootstrap import JOBS
from bot.jobs.tick import tick
from tests.adapters.slack.conftest import SlackRig
from tests.fakes.slack_api import Call


async def _posts_to(slack: SlackRig, channel: str, *, at_least: int, within: float = 10.0) -> list[Call]:
    """The chat.postMessage calls to `channel`, once there are `at_least` of them (the sender runs on its own)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        posts = [c for c in slack.api.calls("chat.postMessage", ok=True) if c.args["channel"] == channel]
        if len(posts) >= at_least or asyncio.get_running_loop().time() > deadline:
            return posts
        await asyncio.sleep(0.05)


async def test_reaching_a_target_is_celebrated_in_the_channel_within_seconds_and_once(
    slack: SlackRig,
) -> None:
    await slack.command("config celebrate <#C0WINS|wins>")
    await slack.command("new Win our first customers")
    await slack.command("kr O1 Reach 10 paying customers")

    await slack.command("checkin KR1 10")
    # The key result, and its objective, whose only key result it is.
    kr, objective = sorted(await _posts_to(slack, "C0WINS", at_least=2), key=lambda c: "O1" in c.args["text"])

    assert "KR1 reached its target" in kr.args["text"]
    assert "Reach 10 paying customers" in str(kr.args["blocks"])
    assert "O1" in objective.args["text"]
    await slack.command("checkin KR1 9")
    await slack.command("checkin KR1 10")  # 10 -> 9 -> 10 in the same cycle: no second celebration
    await asyncio.sleep(1.0)
    assert len(await _posts_to(slack, "C0WINS", at_least=3, within=0.5)) == 2


async def test_a_due_check_in_prompt_reaches_the_owner_as_a_dm(slack: SlackRig) -> None:
    slack.clock.set(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))  # a Friday
    await slack.command("new Win our first customers")
    await slack.command("kr O1 Reach 10 paying customers")
    jobs = slack.server.app[JOBS]
    # Maya lives in Berlin: her prompt is due on Monday at 09:00 there, 08:00 UTC in winter.
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    slack.clock.set(monday)

    summary = await tick(monday, sessions=jobs.sessions, planners=jobs.planners, sender=jobs.sender)

    assert summary.sent >= 1, summary.line()
    (prompt,) = await _posts_to(slack, "U0MAYA", at_least=1)
    assert "KR1" in str(prompt.args["blocks"])
    again = await tick(
        monday + timedelta(minutes=1), sessions=jobs.sessions, planners=jobs.planners, sender=jobs.sender
    )
    assert again.new == 0  # the same period is never prompted twice
