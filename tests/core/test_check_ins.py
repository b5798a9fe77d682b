"""Check-ins: values, confidence, notes, history, milestones, and reaching a target once."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from bot.service.events import KeyResultAchieved, ObjectiveAchieved
from bot.views.actions import FormId
from tests.harness import Harness, button


async def test_check_in_updates_value_confidence_and_history(company: Harness) -> None:
    text = await company.ok("checkin KR1 36 --confidence at-risk Promoters are slow to reply")
    assert text.startswith("✓ Checked in on KR1")
    assert "36 of 50 NPS" in text
    company.clock[0] += timedelta(days=1)
    await company.ok("checkin KR1 40 --confidence on-track")
    shown = await company.ok("show KR1")
    assert "Confidence: on track" in shown
    history = shown[shown.index("Check-ins") :]
    # Newest first, with the author, the move, the confidence and the note.
    assert history.index("36 → 40") < history.index("30 → 36")
    assert "@maya: 30 → 36 · 2026-11-24 · at risk · “Promoters are slow to reply”" in history


async def test_reaching_the_target_is_announced_once(company: Harness) -> None:
    company.events.clear()
    reached = await company.ok("checkin KR3 15", who="sam")
    assert "reached its target" in reached
    achieved = [e for e in company.events if isinstance(e, KeyResultAchieved)]
    assert len(achieved) == 1 and achieved[0].cycle == "2026-Q4"
    # Its objective had one KR, so the objective is achieved too.
    assert len([e for e in company.events if isinstance(e, ObjectiveAchieved)]) == 1
    for value in ("14", "15", "16"):  # dip below and back: not again
        await company.ok(f"checkin KR3 {value}", who="sam")
    assert len([e for e in company.events if isinstance(e, KeyResultAchieved)]) == 1


async def test_milestones_check_in_done_or_not(company: Harness) -> None:
    await company.ok("kr O1 Launch the app --type milestone")  # KR4
    assert "numbers" not in await company.ok("checkin KR4 not-done")
    assert "reached its target" in await company.ok("checkin KR4 done")
    assert "is a milestone" in await company.text("checkin KR4 7")


async def test_check_in_form_opens_prefilled_and_submits(company: Harness) -> None:
    opened = await company.say("checkin KR1")
    assert opened.form is not None and opened.form.form_id is FormId.CHECKIN
    assert opened.form.fields[0].initial == "30"
    values: dict[str, str | None] = {"value": "42", "confidence": "at-risk", "note": "From the form"}
    done = company.renderer.response(await company.submit(FormId.CHECKIN, opened.form.state, values))
    assert "42 of 50 NPS" in done
    assert "“From the form”" in await company.ok("show KR1")


async def test_check_in_button_on_a_card_opens_the_form(company: Harness) -> None:
    card = await company.say("show O1")
    opened = await company.press(button(card, "Check in"))
    assert opened.form is not None and opened.form.title == "Check in on KR1"


async def test_refused_check_ins_write_nothing(company: Harness) -> None:
    before = await company.snapshot()
    assert '"abc" is not a number' in await company.text("checkin KR1 abc")
    assert "There is no KR99" in await company.text("checkin KR99 3")
    assert "needs a key result, like KR34" in await company.text("checkin O1 3")
    assert "Only KR1's owner" in await company.text("checkin KR1 40", who="ari")
    assert "keep it to 1000" in await company.text("checkin KR1 40 " + "word " * 300)
    response = await company.submit(FormId.CHECKIN, '{"kr": 1}', {"value": "lots", "confidence": "on-track"})
    assert response.errors == {"value": "“lots” is not a number."}
    assert await company.snapshot() == before


async def test_stale_after_fourteen_days_without_a_check_in(company: Harness) -> None:
    await company.ok("checkin KR1 35")
    company.clock[0] += timedelta(days=15)
    assert "Stale: no check-in for over 14 days" in await company.ok("show KR1")
    await company.ok("checkin KR1 36")
    assert "Stale" not in await company.ok("show KR1")


async def test_initiatives(company: Harness) -> None:
    assert "Added I1 to KR2" in await company.ok("initiative KR2 Rewrite the welcome email", who="sam")
    assert "I1 Rewrite the welcome email" in await company.ok("show KR2")
    assert "I1 is done ✓" in await company.ok("done I1", who="sam")
    assert "✓ done" in await company.ok("show KR2")
    assert "already done" in await company.text("done I1", who="sam")
    assert "needs an initiative, like I5" in await company.text("done KR1", who="sam")


async def test_export_csv_and_json(company: Harness) -> None:
    await company.ok("checkin KR1 35 --confidence on-track Good week")
    await company.ok("new Private plan --private", who="lee")
    csv_export = await company.say("export csv", who="sam")
    rows = list(csv.DictReader(io.StringIO(csv_export.attachments[0].content)))
    assert {row["key_result"] for row in rows} == {"KR1", "KR2", "KR3"}
    assert "Private plan" not in csv_export.attachments[0].content  # Lee's, and private
    assert rows[0]["objective_title"] == "Become the OKR tool small teams love"
    json_export = await company.say("export json", admin=True)
    document = json.loads(json_export.attachments[0].content)
    kr1 = document["objectives"][0]["key_results"][0]
    assert kr1["check_ins"][0] == {"at": "2026-11-24T12:00:00+00:00", "value": 35.0, "previous": 30.0,
                                   "confidence": "on-track", "note": "Good week", "by": "maya"}  # fmt: skip
    assert any(o["objective_title"] == "Private plan" for o in document["objectives"])  # admins see all
