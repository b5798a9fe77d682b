"""Check-in prompts: at each member's own local time, once per period, only when there is something to ask."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.jobs.checkins import plan_checkins
from bot.jobs.messages import ToMember
from bot.views.actions import ActionId, KeyResultPayload
from tests.jobs.conftest import Coach, keys

# The harness clock starts Tuesday 2026-11-24 12:00 UTC; the following Monday is 2026-11-30.
MONDAY = date(2026, 11, 30)


async def _owner_with_a_key_result(coach: Coach, who: str, tz: str) -> int:
    """`who` in zone `tz` owns an objective with one key result; their member id."""
    coach.zones[who] = tz
    await coach.ok(f"new {who} delights customers", who=who)
    listed = await coach.ok("list", who=who)
    number = listed.split("O", 1)[1].split()[0]
    await coach.ok(f"kr O{number} Raise NPS from 30 to 50", who=who)
    return await coach.member_id(who)


def _local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


async def test_each_member_is_prompted_once_at_nine_on_monday_in_their_own_zone(coach: Coach) -> None:
    auckland = await _owner_with_a_key_result(coach, "aroha", "Pacific/Auckland")
    los_angeles = await _owner_with_a_key_result(coach, "luis", "America/Los_Angeles")
    start = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # Sunday noon UTC: Monday 01:00 in Auckland
    found = await coach.sweep(plan_checkins, start, start + timedelta(days=2))
    assert sorted(keys(found)) == sorted([f"checkin:{auckland}:{MONDAY}", f"checkin:{los_angeles}:{MONDAY}"])
    when = {message.key: at for at, message in found}
    assert (
        _local(when[f"checkin:{auckland}:{MONDAY}"], "Pacific/Auckland").strftime("%a %H:%M") == "Mon 09:00"
    )
    assert (
        _local(when[f"checkin:{los_angeles}:{MONDAY}"], "America/Los_Angeles").strftime("%a %H:%M")
        == "Mon 09:00"
    )
    prompt = next(message for _, message in found if message.key.startswith(f"checkin:{auckland}:"))
    assert prompt.target == ToMember(auckland)
    buttons = [b for s in prompt.card.sections for b in s.buttons]
    assert [b.action for b in buttons] == [ActionId.OPEN_CHECKIN]
    assert KeyResultPayload.model_validate_json(buttons[0].value).kr >= 1
