"""The coaching commands: settings, pause/resume, config (admins only), digest; bad input writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands import types as c
from bot.commands.parser import parse
from bot.commands.types import UsageError
from bot.domain.schedules import Cadence, Slot
from tests.harness import Harness

FRIDAY_3PM = Slot(4, 15 * 60)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("settings", c.ShowSettings()),
        ("settings checkin friday 15:00", c.SetMyCheckin(FRIDAY_3PM)),
        ("settings checkin 3pm Fri", c.SetMyCheckin(FRIDAY_3PM)),
        ("settings checkin fri 15:00 every 2 weeks", c.SetMyCheckin(Slot(4, 900, Cadence.BIWEEKLY))),
        ("settings checkin monday 9:30 monthly", c.SetMyCheckin(Slot(0, 570, Cadence.MONTHLY))),
        ("settings checkin off", c.SetMyCheckin(None)),
        ("settings checkin default", c.SetMyCheckin(None, reset=True)),
        ("pause until 2026-12-24", c.Pause(date(2026, 12, 24))),
        ("pause 2026-12-24", c.Pause(date(2026, 12, 24))),
        ("pause", c.Pause(None)),
        ("resume", c.Resume()),
        ("config", c.ShowConfig()),
        ("config checkin monday 09:00", c.ConfigCheckin(Slot(0, 540))),
        (
            'config checkin friday 15:00 --team "Growth Marketing"',
            c.ConfigCheckin(FRIDAY_3PM, "Growth Marketing"),
        ),
        ("config checkin off --team Growth", c.ConfigCheckin(None, "Growth")),
        ("config checkin default --team Growth", c.ConfigCheckin(None, "Growth", reset=True)),
        ("config celebrate #{C123ABC|wins}", c.ConfigCelebrate(c.ChannelRef("C123ABC", "wins"))),
        (
            "config celebrate #{C123ABC|} --team Growth",
            c.ConfigCelebrate(c.ChannelRef("C123ABC", None), "Growth"),
        ),
        ("config celebrate here", c.ConfigCelebrate(c.ChannelRef(here=True))),
        ("config celebrate off", c.ConfigCelebrate(None)),
        ("config digest #leads friday 16:00", c.ConfigDigest(c.ChannelRef(None, "leads"), Slot(4, 960))),
        ("config digest off --team Growth", c.ConfigDigest(None, None, "Growth")),
        ("config reminder 24h", c.ConfigReminder(24)),
        ("config reminder off", c.ConfigReminder(None)),
        ("digest", c.ShowDigest()),
        ("digest --team Growth", c.ShowDigest("Growth")),
    ],
)
def test_parses(text: str, expected: c.Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("settings checkin", '"okr settings checkin" needs a day and a time, like friday 15:00, or off'),
        ("settings checkin friday", "Give the time on the 24-hour clock, like friday 15:00"),
        ("settings checkin funday 15:00", '"funday" is not a day of the week: write it like friday 15:00'),
        (
            "settings checkin friday 15:00 sometimes",
            '"sometimes" is not how often: use weekly, every 2 weeks or monthly',
        ),
        ("settings colour blue", 'Unknown setting "colour": use "okr settings checkin friday 15:00"'),
        ("pause until", '"okr pause until" needs a date, like 2026-12-24'),
        ("pause until 2026-02-30", '"2026-02-30" is not a date: write it like 2026-12-24'),
        ("resume now", 'Unexpected "now" in "okr resume"'),
        ("config celebrate", "Give the channel, like #wins, or here for this conversation"),
        (
            "config celebrate wins",
            '"wins" is not a channel: write it like #wins, or here for this conversation',
        ),
        ("config digest #leads", '"okr config digest" needs the day and time too, like #leads friday 16:00'),
        (
            "config digest #leads friday 16:00 monthly",
            "Digests are weekly: give just the day and time, like friday 16:00",
        ),
        ("config reminder 0", '"0" is not a number of hours from 1 to 168: write it like 24h'),
        ("config reminder 24h --team Growth", "Reminders are set for the whole workspace: leave out --team"),
        ("config checkin default", '"default" goes with --team: okr config checkin default --team Growth'),
        ("config colour", 'Unknown setting "colour": use checkin, celebrate, digest or reminder'),
        ("digest --team", "--team needs a value"),
    ],
)
def test_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as error:
        parse(text)
    assert error.value.message == message
    assert error.value.usage is not None and error.value.usage.startswith("okr ")


async def test_settings_show_the_callers_schedule_and_what_it_comes_from(okr: Harness) -> None:
    shown = await okr.ok("settings")
    assert "Check-in prompts: Monday 09:00, every week (the default setting)" in shown
    assert "Next prompt: Mon 30 Nov 2026, 09:00 (UTC)" in shown
    await okr.ok("team create Growth", admin=True)
    await okr.ok("config checkin thursday 11:00 --team Growth", admin=True)
    assert "Thursday 11:00, every week (the Growth team's setting)" in await okr.ok("settings")
    await okr.ok("settings checkin friday 15:00 every 2 weeks")
    assert "Friday 15:00, every 2 weeks (your own setting)" in await okr.ok("settings")
    await okr.ok("settings checkin default")
    assert "(the Growth team's setting)" in await okr.ok("settings")
    await okr.ok("pause until 2026-12-24")
    assert "Paused: through Thu 24 Dec 2026" in await okr.ok("settings")
    await okr.ok("resume")
    assert "Paused" not in await okr.ok("settings")


async def test_refused_coaching_commands_write_nothing(okr: Harness) -> None:
    await okr.ok("team create Growth", admin=True)
    await okr.ok("settings")
    before = await okr.snapshot()
    assert "Only a workspace admin can change the workspace's check-in schedule." in await okr.text(
        "config checkin friday 15:00", who="sam", admin=False
    )
    assert "Only a workspace admin can choose where celebrations" in await okr.text(
        "config celebrate #wins", who="sam"
    )
    assert "Only a workspace admin can set up digests" in await okr.text(
        "config digest #x friday 16:00", who="sam"
    )
    assert "Only a workspace admin can change reminders" in await okr.text("config reminder 2h", who="sam")
    assert 'There is no team called "Nope"' in await okr.text(
        "config checkin friday 15:00 --team Nope", admin=True
    )
    assert "2026-11-01 has passed." in await okr.text("pause until 2026-11-01")
    assert "Your check-ins are not paused." in await okr.text("resume")
    assert "No celebrate channel is set for the workspace." in await okr.text(
        "config celebrate off", admin=True
    )
    assert "Growth has no check-in schedule of its own." in await okr.text(
        "config checkin default --team Growth", admin=True
    )
    assert "Give the day" in await okr.text("settings checkin 15:00")
    assert await okr.snapshot() == before


async def test_a_named_channel_needs_a_real_mention_on_chat_platforms(okr: Harness) -> None:
    from bot.domain.enums import Platform

    said = await okr.text("config celebrate #wins", admin=True, platform=Platform.SLACK, workspace="T1")
    assert said.startswith("✗ I can't tell which channel #wins is.")
    assert "as you type #" in said
    assert (
        await okr.text("config celebrate #{C1|wins}", admin=True, platform=Platform.SLACK, workspace="T1")
    ).startswith("✓ Celebrations go to #wins")


async def test_config_shows_the_workspace_settings(okr: Harness) -> None:
    await okr.ok("team create Growth", admin=True)
    await okr.ok("config celebrate #{C1|wins}", admin=True)
    await okr.ok("config celebrate #{C2|growth} --team Growth", admin=True)
    await okr.ok("config digest #{C3|leads} friday 16:00", admin=True)
    await okr.ok("config checkin off --team Growth", admin=True)
    await okr.ok("config reminder off", admin=True)
    shown = await okr.ok("config", admin=True)
    for part in (
        "Check-ins: Monday 09:00, every week (the default)",
        "Reminder: off",
        "Check-ins · Growth: off",
        "Celebrate: #wins",
        "Celebrate · Growth: #growth",
        "Digest: #leads, Friday 16:00, every week (UTC)",
    ):
        assert part in shown
