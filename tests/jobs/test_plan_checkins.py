"""Check-in prompts and reminders: at each member's own local time, once per period, only when there is
something to ask, and updated once the member has checked in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.delivery.planned import ToMember, UpdateSent
from bot.jobs.checkins import plan_checkins, plan_reminders, schedule_unscheduled
from bot.views.actions import ActionId, KeyResultPayload
from bot.views.cards import Card
from storage.engine import session_factory
from tests.jobs.conftest import Coach, keys

# The harness clock starts Tuesday 2026-11-24 12:00 UTC; the Monday after is 2026-11-30.
MONDAY = date(2026, 11, 30)
SUNDAY_NOON = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # Monday 01:00 in Auckland, Sunday 04:00 in LA


async def owner(coach: Coach, who: str, tz: str = "UTC", *, krs: int = 1) -> int:
    """`who`, living in `tz`, owns an objective with `krs` key results; their member id."""
    coach.zones[who] = tz
    await coach.ok(f"new {who} delights customers", who=who)
    number = (await coach.ok("list", who=who)).split("O", 1)[1].split()[0]
    for k in range(krs):
        await coach.ok(f"kr O{number} Raise score {k} from 30 to 50", who=who)
    return await coach.member_id(who)


def kr_numbers(card: Card) -> list[int]:
    return [
        KeyResultPayload.model_validate_json(b.value).kr
        for s in card.sections
        for b in s.buttons
        if b.action is ActionId.OPEN_CHECKIN
    ]


def local(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%a %H:%M")


async def test_auckland_and_los_angeles_each_get_theirs_at_nine_on_monday_their_time(coach: Coach) -> None:
    auckland = await owner(coach, "aroha", "Pacific/Auckland")
    los_angeles = await owner(coach, "luis", "America/Los_Angeles")
    found = await coach.sweep(plan_checkins, SUNDAY_NOON, SUNDAY_NOON + timedelta(days=2))  # every minute
    assert sorted(keys(found)) == sorted([f"checkin:{auckland}:{MONDAY}", f"checkin:{los_angeles}:{MONDAY}"])
    when = {message.key: at for at, message in found}
    assert local(when[f"checkin:{auckland}:{MONDAY}"], "Pacific/Auckland") == "Mon 09:00"
    assert local(when[f"checkin:{los_angeles}:{MONDAY}"], "America/Los_Angeles") == "Mon 09:00"
    prompt = next(m for _, m in found if m.target == ToMember(auckland))
    assert prompt.not_before is None
    assert len(kr_numbers(prompt.card)) == 1
    section = prompt.card.sections[0]
    facts = {f.label: f.value for f in section.facts}
    assert facts["Value"] == "30 of 50 score (from 30)" and facts["Last check-in"] == "never"
    assert section.progress is not None and section.progress.fraction == 0.0


async def test_eight_days_of_runs_plan_one_prompt_per_member_per_week(coach: Coach) -> None:
    ids = [await owner(coach, name, tz) for name, tz in (("ana", "Europe/Berlin"), ("ben", "Asia/Kolkata"))]
    found = await coach.sweep(
        plan_checkins, SUNDAY_NOON, SUNDAY_NOON + timedelta(days=8), timedelta(minutes=5)
    )
    assert sorted(keys(found)) == sorted(
        [f"checkin:{i}:{MONDAY}" for i in ids] + [f"checkin:{i}:{MONDAY + timedelta(days=7)}" for i in ids]
    )
    # Running again over the same time plans nothing new: every row has moved on.
    assert (
        await coach.sweep(plan_checkins, SUNDAY_NOON, SUNDAY_NOON + timedelta(days=8), timedelta(hours=1))
        == []
    )


async def test_daylight_saving_neither_skips_nor_doubles(coach: Coach) -> None:
    coach.clock[0] = datetime(2027, 3, 20, 12, tzinfo=UTC)
    berlin = await owner(coach, "ana", "Europe/Berlin")
    await coach.ok("settings checkin sunday 02:30", who="ana")  # 2027-03-28: 02:30 does not exist in Berlin
    start = datetime(2027, 3, 27, 22, tzinfo=UTC)
    found = await coach.sweep(plan_checkins, start, start + timedelta(hours=6))
    assert keys(found) == [f"checkin:{berlin}:2027-03-28"]
    assert local(found[0][0], "Europe/Berlin") == "Sun 03:30"  # the wall clock jumped over 02:30

    coach.clock[0] = datetime(2027, 11, 1, 12, tzinfo=UTC)
    los_angeles = await owner(coach, "luis", "America/Los_Angeles")
    await coach.ok("settings checkin sunday 01:30", who="luis")  # 2027-11-07: 01:30 happens twice in LA
    start = datetime(2027, 11, 7, 7, tzinfo=UTC)
    found = await coach.sweep(plan_checkins, start, start + timedelta(hours=4))
    assert keys(found) == [f"checkin:{los_angeles}:2027-11-07"]
    assert found[0][0] == datetime(2027, 11, 7, 8, 30, tzinfo=UTC)  # the first 01:30 (PDT)


async def test_no_prompt_without_open_key_results(coach: Coach) -> None:
    coach.zones["nia"] = "UTC"
    await coach.ok("new Nia has no key results", who="nia")  # an objective but nothing to check in on
    achiever = await owner(coach, "ola")
    await coach.ok("checkin KR1 50", who="ola")  # reached: nothing left to ask about
    assert (
        await coach.sweep(plan_checkins, SUNDAY_NOON, SUNDAY_NOON + timedelta(days=1), timedelta(minutes=30))
        == []
    )
    del achiever


async def test_no_prompt_after_checking_in_on_everything_in_the_last_three_days(coach: Coach) -> None:
    pia = await owner(coach, "pia", krs=2)
    coach.clock[0] = datetime(2026, 11, 27, 9, tzinfo=UTC)  # Friday: 3 days before Monday 09:00
    await coach.ok("checkin KR1 35", who="pia")
    await coach.ok("checkin KR2 36", who="pia")
    assert await coach.run(plan_checkins, datetime(2026, 11, 30, 9, tzinfo=UTC)) == []
    # A week later nothing is recent: asked again.
    assert keys(await coach.run(plan_checkins, datetime(2026, 12, 7, 9, tzinfo=UTC))) == [
        f"checkin:{pia}:2026-12-07"
    ]


async def test_checking_in_on_only_some_still_prompts_for_all(coach: Coach) -> None:
    await owner(coach, "pia", krs=2)
    coach.clock[0] = datetime(2026, 11, 29, 9, tzinfo=UTC)
    await coach.ok("checkin KR1 35", who="pia")
    (prompt,) = await coach.run(plan_checkins, datetime(2026, 11, 30, 9, tzinfo=UTC))
    assert kr_numbers(prompt.card) == [1, 2]


async def test_paused_members_are_not_prompted_and_come_back_after(coach: Coach) -> None:
    rui = await owner(coach, "rui", "Europe/Lisbon")
    await coach.ok("pause until 2026-12-08", who="rui")
    found = await coach.sweep(
        plan_checkins, SUNDAY_NOON, datetime(2026, 12, 15, 12, tzinfo=UTC), timedelta(minutes=30)
    )
    assert keys(found) == [f"checkin:{rui}:2026-12-14"]  # 30 Nov and 7 Dec were paused, not missed
    await coach.ok("pause", who="rui")
    assert await coach.run(plan_checkins, datetime(2026, 12, 21, 9, tzinfo=UTC)) == []
    await coach.ok("resume", who="rui")
    assert keys(await coach.run(plan_checkins, datetime(2026, 12, 28, 9, tzinfo=UTC))) == [
        f"checkin:{rui}:2026-12-28"
    ]


async def test_own_team_and_workspace_schedules_and_off(coach: Coach) -> None:
    await coach.ok("team create Growth", admin=True)
    await coach.ok("team add Growth @sam", admin=True)
    sam = await owner(coach, "sam", "America/New_York")
    kim = await owner(coach, "kim", "Asia/Tokyo")
    await coach.ok("config checkin friday 15:00 --team Growth", admin=True)
    await coach.ok("config checkin tuesday 10:00", admin=True)
    start = datetime(2026, 11, 25, tzinfo=UTC)
    found = await coach.sweep(plan_checkins, start, start + timedelta(days=7), timedelta(minutes=15))
    when = {m.key: at for at, m in found}
    assert local(when[f"checkin:{sam}:2026-11-27"], "America/New_York") == "Fri 15:00"
    assert local(when[f"checkin:{kim}:2026-12-01"], "Asia/Tokyo") == "Tue 10:00"
    assert len(found) == 2
    # Sam's own setting wins over his team's; off is off.
    await coach.ok("settings checkin monday 08:00 monthly", who="sam")
    await coach.ok("settings checkin off", who="kim")
    found = await coach.sweep(
        plan_checkins, start + timedelta(days=7), start + timedelta(days=35), timedelta(minutes=15)
    )
    assert keys(found) == [f"checkin:{sam}:2026-12-07"]  # the first Monday of December only
    assert local(found[0][0], "America/New_York") == "Mon 08:00"


async def test_a_new_time_zone_moves_the_prompt(coach: Coach) -> None:
    eve = await owner(coach, "eve", "Europe/London")
    coach.zones["eve"] = "Australia/Sydney"  # she flew; her next message tells the bot
    await coach.ok("list", who="eve")  # any command she types tells the bot her zone, and moves her prompt
    found = await coach.sweep(
        plan_checkins,
        SUNDAY_NOON - timedelta(hours=12),
        SUNDAY_NOON + timedelta(days=1),
        timedelta(minutes=15),
    )
    assert keys(found) == [f"checkin:{eve}:{MONDAY}"]
    assert local(found[0][0], "Australia/Sydney") == "Mon 09:00"


async def test_one_reminder_a_day_later_only_if_still_not_checked_in(coach: Coach) -> None:
    una = await owner(coach, "una")
    await owner(coach, "vic")
    await coach.run(plan_checkins, datetime(2026, 11, 30, 9, tzinfo=UTC))
    coach.clock[0] = datetime(2026, 11, 30, 15, tzinfo=UTC)
    await coach.ok("checkin KR2 40", who="vic")  # vic answered; una did not
    found = await coach.sweep(
        plan_reminders,
        datetime(2026, 11, 30, 9, tzinfo=UTC),
        datetime(2026, 12, 3, tzinfo=UTC),
        timedelta(minutes=5),
    )
    assert [(at, m.key) for at, m in found] == [
        (datetime(2026, 12, 1, 9, tzinfo=UTC), f"remind:{una}:{MONDAY}")
    ]
    assert found[0][1].target == ToMember(una)
    assert kr_numbers(found[0][1].card) == [1]


async def test_the_reminder_delay_is_a_workspace_setting(coach: Coach) -> None:
    una = await owner(coach, "una")
    await coach.ok("config reminder 4h", admin=True)
    await coach.run(plan_checkins, datetime(2026, 11, 30, 9, tzinfo=UTC))
    found = await coach.sweep(
        plan_reminders,
        datetime(2026, 11, 30, 9, tzinfo=UTC),
        datetime(2026, 12, 2, tzinfo=UTC),
        timedelta(minutes=5),
    )
    assert [(at, m.key) for at, m in found] == [
        (datetime(2026, 11, 30, 13, tzinfo=UTC), f"remind:{una}:{MONDAY}")
    ]
    await coach.ok("config reminder off", admin=True)
    await coach.run(plan_checkins, datetime(2026, 12, 7, 9, tzinfo=UTC))
    assert (
        await coach.sweep(
            plan_reminders,
            datetime(2026, 12, 7, 9, tzinfo=UTC),
            datetime(2026, 12, 9, tzinfo=UTC),
            timedelta(minutes=30),
        )
        == []
    )


async def test_checking_in_updates_the_prompt_to_show_it_done(coach: Coach) -> None:
    wes = await owner(coach, "wes", krs=2)
    await coach.run(plan_checkins, datetime(2026, 11, 30, 9, tzinfo=UTC))
    coach.clock[0] = datetime(2026, 11, 30, 10, tzinfo=UTC)
    coach.from_events.clear()
    await coach.ok("checkin KR1 40", who="wes")
    (first,) = [m for m in coach.from_events if isinstance(m.target, UpdateSent)]
    assert first.target == UpdateSent(f"checkin:{wes}:{MONDAY}")
    assert kr_numbers(first.card) == [2] and first.card.title != "Checked in ✓"
    assert "✓ checked in" in [s.text for s in first.card.sections]
    await coach.ok("checkin KR2 41", who="wes")
    updates = [m for m in coach.from_events if isinstance(m.target, UpdateSent)]
    assert [m.key for m in updates] == [f"checkin:{wes}:{MONDAY}:done:1", f"checkin:{wes}:{MONDAY}:done:2"]
    assert updates[-1].card.title == "Checked in ✓" and kr_numbers(updates[-1].card) == []
    # Checking in again (a retry, a correction) plans the same last state under the same key: sent once.
    await coach.ok("checkin KR2 42", who="wes")
    assert [m.key for m in coach.from_events if isinstance(m.target, UpdateSent)][-1] == updates[-1].key


async def test_planning_is_harmless_to_repeat_from_another_transaction(coach: Coach) -> None:
    # Two instances reading the same due rows plan the same keys (the outbox keeps one); the schedule moves on.
    await owner(coach, "xia")
    at = datetime(2026, 11, 30, 9, tzinfo=UTC)
    factory = session_factory(coach.engine)
    async with factory() as one, factory() as two:
        async with one.begin():
            first = await plan_checkins(one, at)
        async with two.begin():
            second = await plan_checkins(two, at)
    assert keys(first) == keys(second) or second == []
    assert len(first) == 1


async def test_joining_a_team_follows_its_schedule(coach: Coach) -> None:
    await coach.ok("team create Growth", admin=True)
    await coach.ok("config checkin wednesday 14:00 --team Growth", admin=True)
    yan = await owner(coach, "yan", "Europe/Paris")
    await coach.ok("team add Growth @yan", admin=True)
    found = await coach.sweep(
        plan_checkins, SUNDAY_NOON - timedelta(days=5), SUNDAY_NOON + timedelta(days=1), timedelta(minutes=15)
    )
    assert [(local(at, "Europe/Paris"), m.key) for at, m in found] == [
        ("Wed 14:00", f"checkin:{yan}:2026-11-25")
    ]


async def test_owners_from_before_the_coach_get_a_schedule(coach: Coach) -> None:
    zed = await owner(coach, "zed")
    async with coach.engine.begin() as connection:
        await connection.exec_driver_sql("DELETE FROM member_coaching")
    assert await coach.run(plan_checkins, datetime(2026, 11, 30, 9, tzinfo=UTC)) == []
    assert await coach.run(schedule_unscheduled) == 1
    assert await coach.run(schedule_unscheduled) == 0
    assert keys(await coach.run(plan_checkins, datetime(2026, 11, 30, 9, tzinfo=UTC))) == [
        f"checkin:{zed}:{MONDAY}"
    ]


async def test_a_bounded_run_leaves_the_rest_for_the_next_one(coach: Coach) -> None:
    ids = [await owner(coach, name) for name in ("ann", "bob", "cat")]
    at = datetime(2026, 11, 30, 9, tzinfo=UTC)
    first = await coach.run(lambda session, now: plan_checkins(session, now, max_members=2), at)
    second = await coach.run(
        lambda session, now: plan_checkins(session, now, max_members=2), at + timedelta(minutes=1)
    )
    assert len(first) == 2 and len(second) == 1
    assert sorted(keys([*first, *second])) == sorted(f"checkin:{i}:{MONDAY}" for i in ids)


async def test_a_check_in_from_the_prompts_button_and_form_marks_it_done(coach: Coach) -> None:
    fay = await owner(coach, "fay")
    (prompt,) = await coach.run(plan_checkins, datetime(2026, 11, 30, 9, tzinfo=UTC))
    coach.clock[0] = datetime(2026, 11, 30, 9, 5, tzinfo=UTC)
    button = next(b for s in prompt.card.sections for b in s.buttons)
    opened = await coach.press(button, who="fay")  # Slack opens this as a modal, Teams as card inputs
    assert opened.form is not None
    coach.from_events.clear()
    await coach.submit(
        opened.form.form_id, opened.form.state, {"value": "41", "confidence": "on-track"}, who="fay"
    )
    (update,) = coach.from_events
    assert update.target == UpdateSent(f"checkin:{fay}:{MONDAY}") and update.card.title == "Checked in ✓"


async def test_a_key_result_handed_to_someone_schedules_them(coach: Coach) -> None:
    await owner(coach, "gus")
    coach.zones["hal"] = "Asia/Singapore"
    await coach.ok("list", who="hal")
    await coach.ok("owner KR1 @hal", who="gus")
    hal = await coach.member_id("hal")
    found = await coach.sweep(
        plan_checkins,
        SUNDAY_NOON - timedelta(hours=12),
        SUNDAY_NOON + timedelta(days=1),
        timedelta(minutes=15),
    )
    assert [(local(at, "Asia/Singapore"), m.key) for at, m in found] == [
        ("Mon 09:00", f"checkin:{hal}:{MONDAY}")
    ]
