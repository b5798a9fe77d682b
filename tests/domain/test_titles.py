from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.enums import KRKind
from bot.domain.titles import TitleMeasure, measure_from_title

INCREASE, DECREASE, ABOVE, BELOW = KRKind.INCREASE, KRKind.DECREASE, KRKind.ABOVE, KRKind.BELOW


@pytest.mark.parametrize(
    ("title", "measure"),
    [
        # from X to Y: start and target; the direction comes from the numbers.
        ("Increase NPS from 30 to 50", TitleMeasure(INCREASE, 30, 50, "NPS")),
        ("Reduce churn from 5% to 3%", TitleMeasure(DECREASE, 5, 3, "%")),
        ("Increase churn from 5% to 3%", TitleMeasure(DECREASE, 5, 3, "%")),  # whatever the verb
        ("Reduce errors from 10 to 20", TitleMeasure(INCREASE, 10, 20, "errors")),
        (
            "Increase weekly active users from 1,000 to 5,000",
            TitleMeasure(INCREASE, 1000, 5000, "weekly active users"),
        ),
        ("Increase NPS for enterprise customers from 30 to 50", TitleMeasure(INCREASE, 30, 50, "NPS")),
        ("Grow from 10 to 50 customers", TitleMeasure(INCREASE, 10, 50, "customers")),
        ("Cut costs from $1.2M to $900k", TitleMeasure(DECREASE, 1_200_000, 900_000, "$")),
        ("Move NPS to 50 from 30", TitleMeasure(INCREASE, 30, 50, "NPS")),
        ("NPS from 30 to 50", TitleMeasure(INCREASE, 30, 50, "NPS")),
        ("KR1: Increase NPS from 30 to 50", TitleMeasure(INCREASE, 30, 50, "NPS")),
        ("Reduce loss from -2 to -5", TitleMeasure(DECREASE, -2, -5, "loss")),
        ("Increase the number of people who finish onboarding from 30 to 50", TitleMeasure(INCREASE, 30, 50)),
        # A count to reach: the unit is the words after the number.
        ("Reach 200 paying customers", TitleMeasure(INCREASE, None, 200, "paying customers")),
        ("Hire 3 engineers", TitleMeasure(INCREASE, None, 3, "engineers")),
        ("Ship 4 features", TitleMeasure(INCREASE, None, 4, "features")),
        ("Sign 10 new logos", TitleMeasure(INCREASE, None, 10, "new logos")),
        ("Hire 3 engineers by June", TitleMeasure(INCREASE, None, 3, "engineers")),
        ("Hire 3 engineers in Berlin", TitleMeasure(INCREASE, None, 3, "engineers")),
        ("Ship 4 features before launch", TitleMeasure(INCREASE, None, 4, "features")),
        ("Publish 2 posts per week", TitleMeasure(INCREASE, None, 2, "posts")),
        ("Close 5 deals for the EMEA team", TitleMeasure(INCREASE, None, 5, "deals")),
        ("Run 6 interviews with customers", TitleMeasure(INCREASE, None, 6, "interviews")),
        ("Hire 3 engineers, then onboard them", TitleMeasure(INCREASE, None, 3, "engineers")),
        ("Reach 3.5M downloads", TitleMeasure(INCREASE, None, 3_500_000, "downloads")),
        ("Sign at least 10 new logos", TitleMeasure(INCREASE, None, 10, "new logos")),
        # to Y: the verb gives the direction, the number's own unit wins.
        ("Grow MRR to $100k", TitleMeasure(INCREASE, None, 100_000, "$")),
        ("Reduce p99 latency to 300ms", TitleMeasure(DECREASE, None, 300, "ms")),
        ("Grow weekly active users to 5,000", TitleMeasure(INCREASE, None, 5000, "weekly active users")),
        ("Cut build time to 5min", TitleMeasure(DECREASE, None, 5, "min")),
        ("Lower response time to 4h", TitleMeasure(DECREASE, None, 4, "h")),
        ("Shrink the backlog to 20 tickets", TitleMeasure(DECREASE, None, 20, "tickets")),
        ("Drop cost per lead to $40", TitleMeasure(DECREASE, None, 40, "$")),
        ("Minimize cold start to 2s", TitleMeasure(DECREASE, None, 2, "s")),
        ("Decrease review time to 2d", TitleMeasure(DECREASE, None, 2, "d")),
        ("Achieve 10x faster builds", TitleMeasure(INCREASE, None, 10, "x")),
        ("Increase conversion rate to 4.5% by Q2", TitleMeasure(INCREASE, None, 4.5, "%")),
        # Thresholds to keep.
        ("Keep uptime above 99.9%", TitleMeasure(ABOVE, None, 99.9, "%")),
        ("Stay above 99.9% uptime", TitleMeasure(ABOVE, None, 99.9, "%")),
        ("Maintain uptime at or above 99.9%", TitleMeasure(ABOVE, None, 99.9, "%")),
        ("Maintain 99.9% uptime", TitleMeasure(ABOVE, None, 99.9, "%")),
        ("Keep churn below 2%", TitleMeasure(BELOW, None, 2, "%")),
        ("Keep churn under 2%", TitleMeasure(BELOW, None, 2, "%")),
        ("Keep churn at or below 2%", TitleMeasure(BELOW, None, 2, "%")),
        ("Keep costs at most $10k", TitleMeasure(BELOW, None, 10_000, "$")),
        ("Keep response time under 2 hours", TitleMeasure(BELOW, None, 2, "hours")),
        ("Uptime above 99.9%", TitleMeasure(ABOVE, None, 99.9, "%")),
        ("Reduce churn below 2%", TitleMeasure(DECREASE, None, 2, "%")),  # a verb that moves it
        # Years, quarters, dates, versions and ranks are not targets.
        ("Reach 1000 users by 2027", TitleMeasure(INCREASE, None, 1000, "users")),
        ("Reach 2000 users by end of 2026", TitleMeasure(INCREASE, None, 2000, "users")),
        ("Grow to 2000 users", TitleMeasure(INCREASE, None, 2000, "users")),
        ("Close 5 deals by March 31", TitleMeasure(INCREASE, None, 5, "deals")),
        ("Close 5 deals by 31 March", TitleMeasure(INCREASE, None, 5, "deals")),
        ("Reach 50 customers in 2026-Q3", TitleMeasure(INCREASE, None, 50, "customers")),
    ],
)
def test_measure_from_title(title: str, measure: TitleMeasure) -> None:
    assert measure_from_title(title) == measure


@pytest.mark.parametrize(
    "title",
    [
        "Launch the new onboarding flow",
        "Ship v2 in Q3 2026",
        "Ship in Q4-2026",
        "Ship in 2026-Q4",
        "Launch in 2026",
        "Ship by December 2026",
        "Finish the 3rd milestone",
        "Launch a 3-day trial",
        "Release 1.2.3",
        "Provide 24/7 support",
        "Move the standup to 9:30",
        "Improve p99 latency",
        "Increase revenue by 20%",  # a relative change: the title does not say the target value
        "Increase NPS from 30",  # a start without a target
        "",
        "   ",
    ],
)
def test_titles_without_a_target_give_nothing(title: str) -> None:
    assert measure_from_title(title) == TitleMeasure()


def test_spaces_and_case_do_not_matter() -> None:
    assert measure_from_title("  increase   NPS from 30   to 50 ") == TitleMeasure(INCREASE, 30, 50, "NPS")
    assert measure_from_title("KEEP UPTIME ABOVE 99.9%") == TitleMeasure(ABOVE, None, 99.9, "%")


def test_the_unit_is_short_or_absent() -> None:
    measure = measure_from_title("Onboard 5 large and very strategic enterprise customers")
    assert measure.target == 5
    assert measure.unit == "large"  # "and" ends it
    long = measure_from_title("Onboard 5 large strategic enterprise healthcare customers")
    assert long.target == 5
    assert long.unit is None  # more than four words is a sentence, not a unit


@given(st.text(max_size=120))
def test_any_text_gives_a_measure_without_raising(title: str) -> None:
    measure = measure_from_title(title)
    assert isinstance(measure, TitleMeasure)
    if measure.target is None:
        assert measure == TitleMeasure()
    else:
        assert measure.kind is not None


@given(
    st.sampled_from(["Increase", "Grow", "Reach", "Hire", "Ship"]),
    st.integers(min_value=1, max_value=1_000_000),
    st.sampled_from(["users", "paying customers", "engineers", "new logos"]),
)
def test_a_count_is_read_back(verb: str, count: int, unit: str) -> None:
    measure = measure_from_title(f"{verb} {count:,} {unit}")
    assert measure == TitleMeasure(INCREASE, None, count, unit)


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_from_to_reads_both_numbers_and_the_direction(start: int, target: int) -> None:
    measure = measure_from_title(f"Move revenue from ${start:,} to ${target:,}")
    assert (measure.start, measure.target, measure.unit) == (start, target, "$")
    if target != start:
        assert measure.kind is (INCREASE if target > start else DECREASE)
