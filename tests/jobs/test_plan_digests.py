"""Weekly digests: in the channel at the local day and time set, once a week, with what changed since the last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.delivery.planned import ToConversation, ToMember
from bot.domain.enums import Platform
from bot.invocation import ConversationRef
from bot.jobs.cycle_end import plan_cycle_end
from bot.jobs.digests import plan_digests
from bot.views.cards import Card, Visibility
from tests.jobs.conftest import Coach, keys


def section(card: Card, heading: str) -> str:
    return next(s.text for s in card.sections if s.heading == heading)


def since_last_week(card: Card) -> dict[str, str]:
    return {s.ref or "": f.value for s in card.sections for f in s.facts if f.label == "Since last week"}


async def _company(coach: Coach) -> None:
    await coach.ok("team create Growth", admin=True)
    await coach.ok("team add Growth @sam", admin=True)
    await coach.ok('new "Become the tool small teams love" --company', admin=True)  # O1
    await coach.ok("kr O1 Increase NPS from 30 to 50", admin=True)  # KR1, Maya's
    await coach.ok("kr O1 Reach 200 paying customers --start 100 --owner @sam", admin=True)  # KR2, Sam's
    await coach.ok("new Turn trials into paying teams --team Growth", who="sam")  # O2
    await coach.ok("kr O2 Increase trial conversion from 8% to 15%", who="sam")  # KR3
    await coach.ok("new Secret --private", who="sam")  # O3: never in a channel


async def test_the_digest_is_posted_at_its_local_time_once_a_week(coach: Coach) -> None:
    await _company(coach)
    await coach.ok("config digest #{C0LEADS|leads} friday 16:00", admin=True)
    found = await coach.sweep(
        plan_digests,
        datetime(2026, 11, 26, tzinfo=UTC),
        datetime(2026, 12, 5, tzinfo=UTC),
        timedelta(minutes=5),
    )
    assert [(at, m.key) for at, m in found] == [
        (datetime(2026, 11, 27, 16, tzinfo=UTC), "digest:1:ws:2026-W48"),
        (datetime(2026, 12, 4, 16, tzinfo=UTC), "digest:1:ws:2026-W49"),
    ]
    assert found[0][1].target == ToConversation(ConversationRef(Platform.CONSOLE, "acme", "C0LEADS"))


async def test_the_digest_says_progress_changes_risks_stale_ones_and_who_is_silent(coach: Coach) -> None:
    await _company(coach)
    await coach.ok("config digest #{C0LEADS|leads} friday 16:00", admin=True)
    coach.clock[0] = datetime(2026, 11, 25, 9, tzinfo=UTC)
    await coach.ok("checkin KR1 45 --confidence on-track", admin=True)
    (first,) = await coach.run(plan_digests, datetime(2026, 11, 27, 16, tzinfo=UTC))
    card = first.card
    assert [s.ref for s in card.sections if s.ref] == ["O1", "O2"]  # the private O3 is left out
    assert since_last_week(card) == {"O1": "new this week", "O2": "new this week"}
    # KR2 and KR3 have no progress two thirds into the quarter: behind. Sam has not checked in this week.
    assert "KR2 Reach 200 paying customers (behind, O1)" in section(card, "At risk or behind")
    assert "KR3" in section(card, "At risk or behind")
    assert section(card, "Not checked in this week") == "sam"

    # A week on: Sam says O2's key result is off track; nothing else moved, so KR1 went stale after 14 days.
    coach.clock[0] = datetime(2026, 12, 2, 9, tzinfo=UTC)
    await coach.ok("checkin KR3 9% --confidence off-track", who="sam")
    await coach.ok("checkin KR3 9% --confidence on-track", who="sam")
    (second,) = await coach.run(plan_digests, datetime(2026, 12, 4, 16, tzinfo=UTC))
    assert since_last_week(second.card) == {"O2": "behind → on track"}
    assert section(second.card, "Not checked in this week") == "maya"
    (third,) = await coach.run(plan_digests, datetime(2026, 12, 11, 16, tzinfo=UTC))
    assert "KR1 Increase NPS from 30 to 50 (O1)" in section(third.card, "No check-in for 14 days")


async def test_a_team_digest_shows_the_teams_objectives(coach: Coach) -> None:
    await _company(coach)
    await coach.ok("config digest here friday 16:00 --team Growth", admin=True)
    (message,) = await coach.run(plan_digests, datetime(2026, 11, 27, 16, tzinfo=UTC))
    assert message.key == "digest:1:1:2026-W48"
    assert [s.ref for s in message.card.sections if s.ref] == ["O2"]


async def test_okr_digest_shows_it_now_only_to_the_caller(coach: Coach) -> None:
    await _company(coach)
    shown = await coach.say("digest")
    assert shown.visibility is Visibility.ONLY_YOU
    assert shown.cards[0].title == "Weekly OKR digest · Everyone · 2026-Q4"
    assert (
        await coach.sweep(
            plan_digests,
            datetime(2026, 11, 24, tzinfo=UTC),
            datetime(2026, 12, 5, tzinfo=UTC),
            timedelta(hours=1),
        )
        == []
    )
    growth = await coach.text("digest --team Growth")
    assert "O2 Turn trials into paying teams" in growth and "O1" not in growth.split("\n", 2)[2]


async def test_the_digest_time_is_the_workspaces_zone(coach: Coach) -> None:
    await _company(coach)
    async with coach.engine.begin() as connection:
        await connection.exec_driver_sql("UPDATE workspace SET default_tz = 'America/Chicago'")
    await coach.ok("config digest #{C0LEADS|leads} friday 16:00", admin=True)
    found = await coach.sweep(
        plan_digests,
        datetime(2026, 11, 27, tzinfo=UTC),
        datetime(2026, 11, 28, 6, tzinfo=UTC),
        timedelta(minutes=5),
    )
    assert [at for at, _ in found] == [datetime(2026, 11, 27, 22, tzinfo=UTC)]  # 16:00 CST


async def test_owners_are_asked_to_score_and_close_a_week_before_the_cycle_ends(coach: Coach) -> None:
    await _company(coach)
    coach.zones["sam"] = "Pacific/Auckland"
    await coach.ok("list", who="sam")  # the bot learns Sam's zone
    maya, sam = await coach.member_id("maya"), await coach.member_id("sam")
    found = await coach.sweep(
        plan_cycle_end,
        datetime(2026, 12, 23, tzinfo=UTC),
        datetime(2026, 12, 27, tzinfo=UTC),
        timedelta(minutes=30),
    )
    assert [(at, m.key, m.target) for at, m in found] == [
        (
            datetime(2026, 12, 24, 20, tzinfo=UTC),
            f"cycle-ending:{sam}:2026-Q4",
            ToMember(sam),
        ),  # 09:00 Dec 25 NZ
        (datetime(2026, 12, 25, 9, tzinfo=UTC), f"cycle-ending:{maya}:2026-Q4", ToMember(maya)),
    ]
    sam_card = found[0][1].card
    assert sam_card.title == "2026-Q4 ends in 7 days"
    assert [s.ref for s in sam_card.sections] == ["O2", "O3"]  # his own, the private one included (a DM)
    assert "okr cycle close 2026-Q4" in " ".join(sam_card.hints)
    assert keys(await coach.run(plan_cycle_end, datetime(2026, 12, 28, 9, tzinfo=UTC))) == []


async def test_no_end_of_cycle_nudge_for_a_closed_cycle(coach: Coach) -> None:
    await _company(coach)
    coach.clock[0] = datetime(2026, 12, 20, 9, tzinfo=UTC)
    await coach.ok("cycle close 2026-Q4", admin=True)
    assert await coach.run(plan_cycle_end, datetime(2026, 12, 25, 10, tzinfo=UTC)) == []
