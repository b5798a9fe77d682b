"""Tests of the Slack adapter. Shared here: a Slack workspace driven through the real core, and the check
that a Block Kit dict survives slack_sdk.models parsing unchanged."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from adapters.slack.mrkdwn import neutral_mentions
from bot.domain.enums import Platform
from tests.harness import Harness

TEAM = "T0ACME"
MAYA, SAM, LEE = "U0MAYA", "U0SAM", "U0LEE"
SLACK: dict[str, Any] = {"platform": Platform.SLACK, "workspace": TEAM}


async def slack_company(okr: Harness) -> Harness:
    """Maya (admin) and Sam in a Slack workspace: a company objective with KRs, a team one aligned under it."""
    for text, who, admin in [
        ("team create Growth", MAYA, True),
        (f"team add Growth <@{SAM}|sam> <@{LEE}|lee>", MAYA, True),
        ('new "Become the OKR tool small teams love" --company', MAYA, True),  # O1
        ("kr O1 Increase NPS from 30 to 50", MAYA, None),  # KR1
        (f"kr O1 Reach 200 paying customers --owner <@{SAM}|sam>", MAYA, None),  # KR2
        ("new Turn trials into paying teams --team Growth --parent O1", SAM, None),  # O2
        ("kr O2 Increase trial conversion from 8% to 15%", SAM, None),  # KR3
        ("checkin KR1 35 --confidence at-risk fewer detractors", MAYA, None),
    ]:
        await slack_ok(okr, text, who=who, admin=admin)
    return okr


async def slack_ok(okr: Harness, text: str, *, who: str = MAYA, admin: bool | None = None) -> None:
    """`text` as typed in Slack, its mentions translated as the adapter's inbound translation does."""
    rendered = okr.renderer.response(await okr.say(neutral_mentions(text), who=who, admin=admin, **SLACK))
    assert not rendered.startswith("✗"), f"{text!r} failed: {rendered}"


def assert_round_trips(block: dict[str, Any]) -> None:
    """slack_sdk parses the block back to the very same dict: no field is unknown to it or lost."""
    assert Block.parse(block).to_dict() == block  # type: ignore[union-attr]
