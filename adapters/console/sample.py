"""A small company's OKRs, typed through the console the way its people would (the demo's data)."""

from __future__ import annotations

# (who types it, is that person an admin, what they type)
SAMPLE_SESSION: tuple[tuple[str, bool, str], ...] = (
    ("maya", True, "team create Growth"),
    ("maya", True, "team add Growth @sam @lee"),
    ("maya", True, "team create Platform"),
    ("maya", True, "team add Platform @ari"),
    ("maya", True, 'new "Become the OKR tool small teams love" --company'),
    ("maya", True, "kr O1 Increase NPS from 30 to 50"),
    ("maya", True, "kr O1 Reach 200 paying customers --owner @sam"),
    ("maya", True, "kr O1 Keep monthly churn below 3%"),
    ("sam", False, "new Turn trials into paying teams --team Growth --parent O1"),
    ("sam", False, "kr O2 Increase trial conversion from 8% to 15%"),
    ("sam", False, "kr O2 Launch the guided onboarding flow --type milestone --owner @lee"),
    ("ari", False, "new Make the bot fast and boringly reliable --team Platform --parent O1 --aspirational"),
    ("ari", False, "kr O3 Reduce p99 latency from 800ms to 200ms"),
    ("ari", False, "kr O3 Keep uptime above 99.9%"),
    ("lee", False, "new Learn what blocks new teams --parent O2 --private"),
    ("lee", False, "kr O4 Interview 12 customers"),
    ("maya", True, "checkin KR1 38 --confidence on-track Two promoters from the beta cohort"),
    ("sam", False, "checkin KR2 72 --confidence at-risk Pipeline is thinner than planned"),
    ("maya", True, "checkin KR3 2.6"),
    ("sam", False, "checkin KR4 10.5 --confidence on-track"),
    ("ari", False, "checkin KR6 420 --confidence off-track Cold starts dominate the tail"),
    ("ari", False, "checkin KR7 99.95"),
    ("lee", False, "checkin KR8 5"),
    ("sam", False, "initiative KR4 Rewrite the trial welcome email"),
    ("lee", False, "initiative KR5 Ship the checklist in App Home"),
)
