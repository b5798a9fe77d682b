"""Celebrations: planned from the core's events inside the check-in's transaction, to the right place, once."""

from __future__ import annotations

from bot.delivery.planned import ToConversation, ToMember
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.jobs.celebrations import plan_celebrations
from bot.service.events import KeyResultAchieved
from bot.views.cards import Tone
from storage.engine import session_factory
from tests.harness import NOW
from tests.jobs.conftest import Coach


def celebrations(coach: Coach) -> list[tuple[str, object]]:
    return [(m.key, m.target) for m in coach.from_events if m.key.startswith("celebrate:")]


async def _growth(coach: Coach) -> None:
    """Growth (Sam, Lee) owns O1 with KR1 (Sam's, 8% -> 15%); Maya owns the company objective O2 with KR2."""
    await coach.ok("team create Growth", admin=True)
    await coach.ok("team add Growth @sam @lee", admin=True)
    await coach.ok("new Turn trials into paying teams --team Growth", who="sam")
    await coach.ok("kr O1 Increase trial conversion from 8% to 15%", who="sam")
    await coach.ok('new "Become the tool small teams love" --company', admin=True)
    await coach.ok("kr O2 Reach 200 paying customers --start 120 --target 200", admin=True)


async def test_a_key_result_reaching_its_target_is_celebrated_in_its_teams_channel(coach: Coach) -> None:
    await _growth(coach)
    await coach.ok("config celebrate #{C0GROWTH|growth-wins} --team Growth", admin=True)
    await coach.ok("config celebrate #{C0WINS|wins}", admin=True)
    sam = await coach.member_id("sam")
    coach.from_events.clear()
    await coach.ok("checkin KR1 15.5", who="lee")
    growth = ToConversation(ConversationRef(Platform.CONSOLE, "acme", "C0GROWTH"))
    assert celebrations(coach) == [("celebrate:kr:1:2026-Q4", growth), ("celebrate:o:1:2026-Q4", growth)]
    card = next(m.card for m in coach.from_events if m.key == "celebrate:kr:1:2026-Q4")
    assert card.tone is Tone.CELEBRATION and card.title == "🎯 KR1 reached its target!"
    facts = {f.label: f.value for f in card.sections[0].facts}
    assert facts == {
        "Moved": "8% → 15.5% (target 15%)",
        "Checked in by": "lee",
        "Moves": "O1 Turn trials into paying teams",
    }
    assert card.sections[0].owner is not None and card.sections[0].owner.user_id == "sam"
    assert card.sections[1].ref == "O1"
    del sam
    # The company objective is no team's: the workspace's channel.
    coach.from_events.clear()
    await coach.ok("checkin KR2 200", admin=True)
    wins = ToConversation(ConversationRef(Platform.CONSOLE, "acme", "C0WINS"))
    assert celebrations(coach) == [("celebrate:kr:2:2026-Q4", wins), ("celebrate:o:2:2026-Q4", wins)]


async def test_without_a_channel_the_owner_gets_a_dm(coach: Coach) -> None:
    await _growth(coach)
    coach.from_events.clear()
    await coach.ok("checkin KR1 15", who="lee")
    sam = await coach.member_id("sam")
    assert celebrations(coach) == [
        ("celebrate:kr:1:2026-Q4", ToMember(sam)),
        ("celebrate:o:1:2026-Q4", ToMember(sam)),
    ]


async def test_private_objectives_are_celebrated_by_dm_only(coach: Coach) -> None:
    await coach.ok("config celebrate #{C0WINS|wins}", admin=True)
    await coach.ok("new My secret plan --private", who="zoe")
    await coach.ok("kr O1 Ship it --type milestone", who="zoe")
    coach.from_events.clear()
    await coach.ok("checkin KR1 done", who="zoe")
    zoe = await coach.member_id("zoe")
    assert celebrations(coach) == [
        ("celebrate:kr:1:2026-Q4", ToMember(zoe)),
        ("celebrate:o:1:2026-Q4", ToMember(zoe)),
    ]


async def test_ninety_nine_hundred_ninety_eight_hundred_celebrates_once(coach: Coach) -> None:
    await coach.ok("new Quality --company", admin=True)
    await coach.ok("kr O1 Uptime from 90 to 100", admin=True)
    await coach.ok("kr O1 Docs from 0 to 10", admin=True)
    coach.from_events.clear()
    for value in ("99", "100", "98", "100"):
        await coach.ok(f"checkin KR1 {value}", admin=True)
    assert [key for key, _ in celebrations(coach)] == ["celebrate:kr:1:2026-Q4"]  # O1 has KR2 still open


async def test_here_means_the_conversation_the_command_was_typed_in(coach: Coach) -> None:
    teams_reference = '{"conversation": {"id": "19:abc@thread.tacv2"}, "serviceUrl": "https://smba.example"}'
    said = await coach.in_channel("config celebrate here", teams_reference)
    assert said.startswith("✓ Celebrations go to the conversation where this was set")
    await coach.ok("new Ship --company", admin=True)
    await coach.ok("kr O1 Launch --type milestone", admin=True)
    coach.from_events.clear()
    await coach.ok("checkin KR1 done", admin=True)
    assert celebrations(coach)[0][1] == ToConversation(
        ConversationRef(Platform.CONSOLE, "acme", teams_reference)
    )


async def test_replaying_the_same_event_plans_the_same_key(coach: Coach) -> None:
    # A Slack retry or a second instance replaying an event: the same key, which the outbox inserts once.
    await coach.ok("new Ship --company", admin=True)
    await coach.ok("kr O1 Launch --type milestone", admin=True)
    await coach.ok("checkin KR1 done", admin=True)
    (event,) = [e for e in coach.events if isinstance(e, KeyResultAchieved)]
    async with session_factory(coach.engine)() as session:
        once = await plan_celebrations(session, [event], NOW)
        twice = await plan_celebrations(session, [event, event], NOW)
    assert [m.key for m in once] == ["celebrate:kr:1:2026-Q4"]
    assert {m.key for m in twice} == {"celebrate:kr:1:2026-Q4"}
