"""Objectives through the core: create, show, list, align, hand over, rename, archive, delete."""

from __future__ import annotations

from bot.domain.enums import Level
from bot.views.actions import ActionId, FormId
from bot.views.cards import Visibility
from tests.harness import Harness, all_buttons, button


async def test_new_objective_is_personal_owned_by_its_creator_and_numbered(okr: Harness) -> None:
    first = await okr.ok("new Ship the thing")
    second = await okr.ok("new Hire well", who="sam")
    assert first.splitlines()[0] == "O1 Ship the thing"
    assert "Personal · committed" in first
    assert second.splitlines()[0] == "O2 Hire well"
    assert "@sam" in second
    assert "has no key results yet" in first  # the hygiene hint after creating one


async def test_objective_options_set_level_alignment_and_flags(company: Harness) -> None:
    text = await company.ok("new Learn fast --parent O2 --aspirational --private", who="lee")
    assert "Personal · aspirational · private" in text
    assert "Aligned under: O2 Turn trials into paying teams" in text
    shown = await company.ok("show O2", who="sam")
    assert "O3 Learn fast" not in shown  # private: Sam is not its owner, so its alignment is hidden too
    assert "O3 Learn fast" in await company.ok("show O2", admin=True)


async def test_company_objectives_need_an_admin_and_team_ones_a_member(company: Harness) -> None:
    assert "Only a workspace admin can create company objectives." in await company.text(
        "new X --company", who="sam"
    )
    assert "You are not in the team Growth." in await company.text("new X --team Growth", who="ari")
    assert 'There is no team called "Ops".' in await company.text("new X --team Ops", who="sam")


async def test_alignment_rules(company: Harness) -> None:
    await company.ok("new Personal goal", who="sam")  # O3
    assert "can't align under a personal one" in await company.text("align O2 under O3", who="sam")
    assert "would make a loop" in await company.text("align O1 under O2", admin=True)
    assert "can't align under itself" in await company.text("align O2 under O2", who="sam")
    assert "now aligns under O2" in await company.ok("align O3 under O2", who="sam")


async def test_progress_rolls_up_through_aligned_children(company: Harness) -> None:
    await company.ok("checkin KR3 15", who="sam")  # O2's only KR done: O2 at 100%
    # O1: KR1 0%, KR2 0%, child O2 100% -> each child counts like one KR of weight 1: 1/3.
    text = await company.ok("show O1")
    assert " 33%" in text.splitlines()[2]
    assert "100%" in (await company.ok("show O2")).splitlines()[2]


async def test_list_scopes(company: Harness) -> None:
    await company.ok("new Sam's own goal", who="sam")  # O3
    mine = await company.ok("list", who="sam")
    assert "O2" in mine and "O3" in mine and "O1" in mine  # O1: Sam owns KR2 in it
    assert "O2" not in await company.ok("list company")
    assert "O1" in await company.ok("list company")
    growth = await company.ok("list team Growth")
    assert "O2" in growth and "O1" not in growth and "O3" not in growth
    by_sam = await company.ok("list @sam")
    assert "O3" in by_sam
    everything = await company.ok("list all")
    assert everything.index("O1") < everything.index("O2") < everything.index("O3")  # company first
    assert "Nothing here yet" in await company.ok("list all cycle 2027-Q1")


async def test_list_at_risk_follows_confidence_then_pace(company: Harness) -> None:
    await company.ok("checkin KR1 31 --confidence on-track")  # O1 said on track, though slow
    await company.ok("checkin KR3 9 --confidence at-risk", who="sam")
    at_risk = await company.ok("list at-risk")
    assert "O2" in at_risk and "O1" not in at_risk
    await company.ok("checkin KR1 31")  # no confidence: pace decides, and O1 is far behind
    assert "O1" in await company.ok("list at-risk")


async def test_list_pages_with_a_show_more_button(okr: Harness) -> None:
    for number in range(25):
        await okr.ok(f"new Objective number {number}")
    first = await okr.say("list")
    assert "Showing 1–20 (more below)" in okr.renderer.response(first)
    more = await okr.press(button(first, "Show more"))
    text = okr.renderer.response(more)
    assert "Showing 21–25" in text and "O25" in text and "O20 " not in text
    assert not all_buttons(more, ActionId.SHOW_MORE)


async def test_owner_rename_archive(company: Harness) -> None:
    assert "O2 now belongs to lee" in await company.ok("owner O2 @lee", who="sam")
    assert "Renamed O2" in await company.ok("rename O2 Convert trials", who="lee")
    assert (await company.ok("show O2")).startswith("O2 Convert trials")
    assert "Archived O2" in await company.ok("archive O2", who="lee")
    assert "O2" not in await company.ok("list all")
    assert "is archived; it no longer changes" in await company.text("kr O2 Another one", who="lee")
    assert "already archived" in await company.text("archive O2", who="lee")


async def test_delete_asks_first_and_the_button_deletes(company: Harness) -> None:
    asked = await company.say("delete O2", who="sam")
    assert "Delete O2" in company.renderer.response(asked)
    assert "O2" in await company.ok("list all")  # nothing deleted yet
    done = await company.press(button(asked, "Delete"), who="sam")
    assert done.replace_original
    assert "Deleted O2" in company.renderer.response(done)
    assert "There is no O2" in await company.text("show O2")
    assert "Deleted O1" in await company.ok("delete O1 --yes")


async def test_only_owner_or_admin_deletes(company: Harness) -> None:
    assert "Only O2's owner or an admin can delete it." in await company.text("delete O2 --yes", who="lee")


async def test_new_without_title_opens_the_form_and_submitting_it_creates(company: Harness) -> None:
    response = await company.say("new", who="sam")
    assert response.form is not None and response.form.form_id is FormId.NEW_OBJECTIVE
    values: dict[str, str | None] = {"title": "From the form", "level": "team", "team": "Growth", "parent": "O1",
                                     "aspirational": "true", "private": "false"}  # fmt: skip
    created = await company.submit(FormId.NEW_OBJECTIVE, response.form.state, values, who="sam")
    text = company.renderer.response(created)
    assert text.startswith("O3 From the form") and "Growth · aspirational" in text
    rows = (await company.snapshot())["objective"]
    assert any(row[4] == "From the form" and row[5] == Level.TEAM for row in rows)


async def test_form_errors_come_back_beside_their_fields(company: Harness) -> None:
    before = await company.snapshot()
    response = await company.submit(FormId.NEW_OBJECTIVE, "{}", {"title": "x" * 300, "level": "personal"})
    assert set(response.errors) == {"title"} and "keep it to 200" in response.errors["title"]
    response = await company.submit(FormId.NEW_OBJECTIVE, "{}", {"title": "Y", "level": "team", "team": None})
    assert response.errors == {"team": "A team objective needs its team."}
    assert await company.snapshot() == before


async def test_share_posts_for_everyone_unless_private(company: Harness) -> None:
    shared = await company.say("show O1 share")
    assert shared.visibility is Visibility.EVERYONE
    assert (await company.say("show O1")).visibility is Visibility.ONLY_YOU
    await company.ok("new Secret --private", who="lee")
    assert "can't be shared" in await company.text("show O3 share", who="lee")


async def test_show_more_pages_cover_every_objective_once_across_levels(okr: Harness) -> None:
    await okr.ok("team create Core", admin=True)
    for n in range(45):  # interleave levels so that pages cross from company to team to personal
        option = ("--company", "--team Core", "")[n % 3]
        await okr.ok(f"new Goal {n} {option}")
    seen: list[str] = []
    response = await okr.say("list all")
    while True:
        seen += [section.ref or "" for card in response.cards for section in card.sections]
        more = all_buttons(response, ActionId.SHOW_MORE)
        if not more:
            break
        response = await okr.press(more[0])
    company = [f"O{n + 1}" for n in range(0, 45, 3)]
    team = [f"O{n + 1}" for n in range(1, 45, 3)]
    personal = [f"O{n + 1}" for n in range(2, 45, 3)]
    assert seen == company + team + personal
