"""Key results: measures read from titles, options, kinds, and the mistakes people make."""

from __future__ import annotations

from bot.views.actions import FormId
from tests.harness import Harness


async def test_measure_is_read_from_the_title(company: Harness) -> None:
    text = await company.ok("show KR1")
    assert "30 of 50 NPS (from 30)" in text
    assert "0 of 200 paying customers (from 0)" in await company.ok("show KR2")
    assert "8% of 15% (from 8%)" in await company.ok("show KR3")


async def test_options_win_over_the_title_and_owner_defaults_to_creator(company: Harness) -> None:
    await company.ok("kr O1 Reach 200 paying customers --target 250 --unit teams")
    text = await company.ok("show KR4")
    assert "0 of 250 teams" in text and "@maya" in text


async def test_kinds(company: Harness) -> None:
    await company.ok("kr O1 Keep uptime above 99.9%")
    assert "keeping at or above 99.9%" in await company.ok("show KR4")
    await company.ok("kr O1 Launch the app --type milestone")
    assert "not done yet" in await company.ok("show KR5")
    await company.ok("kr O1 Reduce churn from 5% to 3%")
    assert "Kind: decrease" in await company.ok("show KR6")


async def test_a_key_result_with_no_target_gets_a_hint(company: Harness) -> None:
    text = await company.ok("kr O1 Make onboarding delightful")
    assert "KR4 has no target yet" in text


async def test_sixth_key_result_gets_a_focus_hint(company: Harness) -> None:
    for n in range(3):
        await company.ok(f"kr O1 Reach {n + 10} things")
    text = await company.ok("kr O1 Reach 99 more things")
    assert "more than 5" in text.lower() or "6 key results" in text


async def test_contradictory_measures_are_refused_and_nothing_is_written(company: Harness) -> None:
    before = await company.snapshot()
    assert "goes down" in await company.text("kr O1 Grow --type increase --start 50 --target 10")
    assert "nothing to move" in await company.text("kr O1 Stay --start 5 --target 5")
    assert "needs the value it starts from" in await company.text("kr O1 Reduce latency to 300ms")
    assert "needs a threshold" in await company.text("kr O1 Keep it up --type above")
    assert "keep it to 200" in await company.text("kr O1 " + "long " * 1000)
    assert "needs an objective, like O12" in await company.text("kr KR1 Something")
    assert "There is no O99" in await company.text("kr O99 Something")
    assert "A weight is a number above 0" in await company.text("kr O1 Thing --target 3 --weight 1000")
    assert "Only O1's owner" in await company.text("kr O1 Sneaky --target 3", who="ari")
    assert await company.snapshot() == before


async def test_weights_shape_objective_progress(okr: Harness) -> None:
    await okr.ok("new Weighted")
    await okr.ok("kr O1 Reach 10 a --weight 3")
    await okr.ok("kr O1 Reach 10 b")
    await okr.ok("checkin KR1 10")
    # (1.0 * 3 + 0 * 1) / 4 = 75%
    assert " 75%" in (await okr.ok("show O1")).splitlines()[2]


async def test_add_key_result_form(company: Harness) -> None:
    opened = await company.say("kr O1")
    assert opened.form is not None and opened.form.form_id is FormId.NEW_KEY_RESULT
    values: dict[str, str | None] = {"title": "Sign 5 partners", "kind": "increase", "start": None,
                                     "target": "abc", "unit": None, "owner": "lee"}  # fmt: skip
    refused = await company.submit(FormId.NEW_KEY_RESULT, opened.form.state, values)
    assert refused.errors == {"target": "“abc” is not a number."}
    values["target"] = "6"
    added = company.renderer.response(await company.submit(FormId.NEW_KEY_RESULT, opened.form.state, values))
    assert "KR4 Sign 5 partners  @lee" in added
    assert "0 of 6 partners" in added


async def test_owner_of_a_key_result_can_change_it_but_others_cannot(company: Harness) -> None:
    assert "KR2 now belongs to lee" in await company.ok("owner KR2 @lee", who="sam")
    assert "Only KR1's owner" in await company.text("rename KR1 Mine now", who="ari")
    assert "Renamed KR2" in await company.ok("rename KR2 Reach 300 customers", who="lee")
