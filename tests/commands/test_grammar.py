"""The /okr grammar: every form to its typed command, every mistake to a one-line UsageError."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.parser import parse
from bot.commands.types import (
    Align,
    Archive,
    Command,
    CompleteInitiative,
    CycleClose,
    CycleList,
    Delete,
    Export,
    ExportFormat,
    Help,
    ListObjectives,
    ListScope,
    NewInitiative,
    NewKeyResult,
    NewObjective,
    RecordCheckIn,
    Ref,
    RefKind,
    Rename,
    SetOwner,
    Show,
    TeamAdd,
    TeamCreate,
    UsageError,
    UserRef,
)
from bot.commands.usage import COMMANDS_HINT, USAGE
from bot.domain.enums import Confidence, KRKind


def obj(number: int) -> Ref:
    return Ref(RefKind.OBJECTIVE, number)


def kr(number: int) -> Ref:
    return Ref(RefKind.KEY_RESULT, number)


def ini(number: int) -> Ref:
    return Ref(RefKind.INITIATIVE, number)


JANE = UserRef(None, "jane")

VALID: list[tuple[str, Command]] = [
    # help, and the prefixes every platform may send
    ("", Help()),
    ("   ", Help()),
    ("okr", Help()),
    ("OKR", Help()),
    ("/okr", Help()),
    ("help", Help()),
    ("okr help", Help()),
    ("Okr help kr", Help("kr")),
    ("/okr help checkin", Help("checkin")),
    ("help CHECK-IN", Help("checkin")),
    ("help ci", Help("checkin")),
    ("help team", Help("team")),
    ("--help", Help()),
    ("?", Help()),
    ("kr --help", Help("kr")),
    ("ci KR3 —help", Help("checkin")),
    # list
    ("list", ListObjectives()),
    ("okr list", ListObjectives()),
    ("LIST mine", ListObjectives(ListScope.MINE)),
    ("list me", ListObjectives(ListScope.MINE)),
    ("list company", ListObjectives(ListScope.COMPANY)),
    ("list all", ListObjectives(ListScope.ALL)),
    ("list at-risk", ListObjectives(ListScope.AT_RISK)),
    ("list at_risk", ListObjectives(ListScope.AT_RISK)),
    ("list at risk", ListObjectives(ListScope.AT_RISK)),
    ("list team Growth", ListObjectives(ListScope.TEAM, team="Growth")),
    (
        "list team Growth Marketing cycle 2026-Q3",
        ListObjectives(ListScope.TEAM, team="Growth Marketing", cycle="2026-Q3"),
    ),
    ('list team "Growth  Marketing"', ListObjectives(ListScope.TEAM, team="Growth Marketing")),
    (
        "list team Growth Marketing --cycle 2026q3 --more 20",
        ListObjectives(ListScope.TEAM, team="Growth Marketing", cycle="2026q3", offset=20),
    ),
    ("list team Growth 2026-Q3", ListObjectives(ListScope.TEAM, team="Growth", cycle="2026-Q3")),
    ("list @jane", ListObjectives(ListScope.USER, user=JANE)),
    ("list @{U123ABC|}", ListObjectives(ListScope.USER, user=UserRef("U123ABC", None))),
    (
        "list @{U123ABC|Jane Doe} cycle 2026-Q4",
        ListObjectives(ListScope.USER, user=UserRef("U123ABC", "Jane Doe"), cycle="2026-Q4"),
    ),
    ("list @{|Jane Doe}", ListObjectives(ListScope.USER, user=UserRef(None, "Jane Doe"))),
    ("list cycle 2026-Q4", ListObjectives(cycle="2026-Q4")),
    ("list 2026-Q4", ListObjectives(cycle="2026-Q4")),
    ("list all cycle 2026", ListObjectives(ListScope.ALL, cycle="2026")),
    ("list all --cycle=2026-Q1", ListObjectives(ListScope.ALL, cycle="2026-Q1")),
    ("list company --more 10", ListObjectives(ListScope.COMPANY, offset=10)),
    ("list --more 0", ListObjectives(offset=0)),
    ("list —more 5", ListObjectives(offset=5)),
    # show
    ("show O12", Show(obj(12))),
    ("show KR34", Show(kr(34))),
    ("show kr34", Show(kr(34))),
    ("show #O12", Show(obj(12))),
    ("show O12 share", Show(obj(12), share=True)),
    ("show KR34 SHARE", Show(kr(34), share=True)),
    ("show O12 --share", Show(obj(12), share=True)),
    ("show O2147483647", Show(obj(2_147_483_647))),
    # new
    ("new", NewObjective(None)),
    ("new Delight our customers", NewObjective("Delight our customers")),
    ("new   Delight   our\tcustomers  ", NewObjective("Delight our customers")),
    ("new Make customers' happiness our goal", NewObjective("Make customers' happiness our goal")),
    ('new "Win the market"', NewObjective("Win the market")),
    ("new “Win the market”", NewObjective("Win the market")),
    ('new Launch "Project X" this year', NewObjective('Launch "Project X" this year')),
    ('new ""', NewObjective(None)),
    ("new Grow --team Growth", NewObjective("Grow", team="Growth")),
    ('new Grow --team "Growth Marketing"', NewObjective("Grow", team="Growth Marketing")),
    ('new Grow --team="Growth Marketing"', NewObjective("Grow", team="Growth Marketing")),
    ("new Grow --team=Growth", NewObjective("Grow", team="Growth")),
    ("new Grow —team “Growth Marketing”", NewObjective("Grow", team="Growth Marketing")),
    ("new --company Win the enterprise market", NewObjective("Win the enterprise market", company=True)),
    (
        "new Win --parent O3 --aspirational --private --cycle 2027-Q1",
        NewObjective("Win", parent=obj(3), aspirational=True, private=True, cycle="2027-Q1"),
    ),
    ("new Win --PARENT #o3", NewObjective("Win", parent=obj(3))),
    ("new --private", NewObjective(None, private=True)),
    # kr
    ("kr O12", NewKeyResult(obj(12), None)),
    ("kr O12 Raise NPS", NewKeyResult(obj(12), "Raise NPS")),
    (
        "kr O12 Raise NPS to 40 --start 25 --target 40",
        NewKeyResult(obj(12), "Raise NPS to 40", target=40.0, start=25.0),
    ),
    ("kr O12 Grow --target 40%", NewKeyResult(obj(12), "Grow", target=40.0, unit="%")),
    (
        "kr O12 Grow --target $1.2k --start $800",
        NewKeyResult(obj(12), "Grow", target=1200.0, start=800.0, unit="$"),
    ),
    ("kr O12 Grow --start 5% --target 9", NewKeyResult(obj(12), "Grow", target=9.0, start=5.0, unit="%")),
    (
        "kr O12 Grow --target 200 --unit customers",
        NewKeyResult(obj(12), "Grow", target=200.0, unit="customers"),
    ),
    (
        'kr O12 Grow --target 40% --unit "happy customers"',
        NewKeyResult(obj(12), "Grow", target=40.0, unit="happy customers"),
    ),
    ("kr O12 Cut churn --type decrease", NewKeyResult(obj(12), "Cut churn", kind=KRKind.DECREASE)),
    ("kr O12 Cut churn --kind Below", NewKeyResult(obj(12), "Cut churn", kind=KRKind.BELOW)),
    ("kr O12 Ship it --type milestone", NewKeyResult(obj(12), "Ship it", kind=KRKind.MILESTONE)),
    ("kr O12 Grow --owner @jane", NewKeyResult(obj(12), "Grow", owner=JANE)),
    ("kr O12 Grow --owner @{U1|Jane Doe}", NewKeyResult(obj(12), "Grow", owner=UserRef("U1", "Jane Doe"))),
    ("kr O12 Grow --owner=@{U1|Jane Doe}", NewKeyResult(obj(12), "Grow", owner=UserRef("U1", "Jane Doe"))),
    ("kr O12 Grow --weight 2", NewKeyResult(obj(12), "Grow", weight=2.0)),
    ("kr O12 Grow --weight 0.5", NewKeyResult(obj(12), "Grow", weight=0.5)),
    ("kr O12 --start -5 --target 1,200", NewKeyResult(obj(12), None, target=1200.0, start=-5.0)),
    # checkin and its aliases
    ("checkin KR34", RecordCheckIn(kr(34), None)),
    ("checkin KR34 32", RecordCheckIn(kr(34), 32.0)),
    ("check-in KR34 45%", RecordCheckIn(kr(34), 45.0)),
    ("ci KR34 $1.2k", RecordCheckIn(kr(34), 1200.0)),
    ("checkin KR34 done", RecordCheckIn(kr(34), 1.0)),
    ("checkin KR34 Yes", RecordCheckIn(kr(34), 1.0)),
    ("checkin KR34 complete", RecordCheckIn(kr(34), 1.0)),
    ("checkin KR34 not-done", RecordCheckIn(kr(34), 0.0)),
    ("checkin KR34 no", RecordCheckIn(kr(34), 0.0)),
    ("checkin KR34 undone", RecordCheckIn(kr(34), 0.0)),
    ("checkin KR34 40 --confidence at-risk", RecordCheckIn(kr(34), 40.0, Confidence.AT_RISK)),
    ("checkin KR34 --confidence off-track 40", RecordCheckIn(kr(34), 40.0, Confidence.OFF_TRACK)),
    ("checkin --confidence on-track KR34 40", RecordCheckIn(kr(34), 40.0, Confidence.ON_TRACK)),
    ("checkin KR34 40 --confidence=green", RecordCheckIn(kr(34), 40.0, Confidence.ON_TRACK)),
    ("checkin KR34 40 --confidence on_track", RecordCheckIn(kr(34), 40.0, Confidence.ON_TRACK)),
    ("checkin KR34 40 --confidence ontrack", RecordCheckIn(kr(34), 40.0, Confidence.ON_TRACK)),
    ("checkin KR34 40 --confidence Yellow", RecordCheckIn(kr(34), 40.0, Confidence.AT_RISK)),
    ("checkin KR34 40 --confidence amber", RecordCheckIn(kr(34), 40.0, Confidence.AT_RISK)),
    ("checkin KR34 40 --confidence red", RecordCheckIn(kr(34), 40.0, Confidence.OFF_TRACK)),
    ("checkin KR34 40 --on-track", RecordCheckIn(kr(34), 40.0, Confidence.ON_TRACK)),
    ("checkin KR34 40 —at-risk", RecordCheckIn(kr(34), 40.0, Confidence.AT_RISK)),
    ("checkin KR34 40 --off_track", RecordCheckIn(kr(34), 40.0, Confidence.OFF_TRACK)),
    ("checkin KR34 --at-risk", RecordCheckIn(kr(34), None, Confidence.AT_RISK)),
    ("checkin KR34 40 --at-risk --confidence amber", RecordCheckIn(kr(34), 40.0, Confidence.AT_RISK)),
    (
        "checkin KR34 45% --confidence at-risk waiting on   legal's review",
        RecordCheckIn(kr(34), 45.0, Confidence.AT_RISK, "waiting on legal's review"),
    ),
    (
        "checkin KR34 45 waiting --at-risk on legal",
        RecordCheckIn(kr(34), 45.0, Confidence.AT_RISK, "waiting on legal"),
    ),
    ('checkin KR34 45 "slow week, sorry"', RecordCheckIn(kr(34), 45.0, None, "slow week, sorry")),
    ("checkin KR34 45 slow week — sorry", RecordCheckIn(kr(34), 45.0, None, "slow week — sorry")),
    # initiatives
    ("initiative KR34 Run a pricing survey", NewInitiative(kr(34), "Run a pricing survey")),
    ('initiative KR34 "Run a survey"', NewInitiative(kr(34), "Run a survey")),
    ("done I5", CompleteInitiative(ini(5))),
    ("done #i5", CompleteInitiative(ini(5))),
    # align
    ("align O12 under O3", Align(obj(12), obj(3))),
    ("align O12 to O3", Align(obj(12), obj(3))),
    ("align O12 with O3", Align(obj(12), obj(3))),
    ("align o12 UNDER #O3", Align(obj(12), obj(3))),
    ("align O12 O3", Align(obj(12), obj(3))),
    # owner, rename, archive, delete
    ("owner KR34 @jane", SetOwner(kr(34), JANE)),
    ("owner O12 @{U123ABC|}", SetOwner(obj(12), UserRef("U123ABC", None))),
    ("owner O12 @{U123ABC|jane}", SetOwner(obj(12), UserRef("U123ABC", "jane"))),
    ("owner O12 @{|Jane Doe}", SetOwner(obj(12), UserRef(None, "Jane Doe"))),
    ("rename O12 Make onboarding effortless", Rename(obj(12), "Make onboarding effortless")),
    ("rename KR34 Raise NPS to 45", Rename(kr(34), "Raise NPS to 45")),
    ("rename I5 “Survey 200 customers”", Rename(ini(5), "Survey 200 customers")),
    ("archive O12", Archive(obj(12))),
    ("delete O12", Delete(obj(12))),
    ("delete O12 --yes", Delete(obj(12), confirmed=True)),
    ("delete --yes O12", Delete(obj(12), confirmed=True)),
    # cycles, export
    ("cycle", CycleList()),
    ("cycle list", CycleList()),
    ("cycle close 2026-Q4", CycleClose("2026-Q4")),
    ("cycle CLOSE 2026q4", CycleClose("2026q4")),
    ("export", Export()),
    ("export csv", Export(ExportFormat.CSV)),
    ("export JSON", Export(ExportFormat.JSON)),
    # teams
    ("team create Growth Marketing", TeamCreate("Growth Marketing")),
    ('team create "Growth Marketing"', TeamCreate("Growth Marketing")),
    ("team add Growth @jane", TeamAdd("Growth", (JANE,))),
    (
        "team add Growth Marketing @{U1|} @{U2|Omar Ali} @jane",
        TeamAdd("Growth Marketing", (UserRef("U1", None), UserRef("U2", "Omar Ali"), JANE)),
    ),
    ("team add Growth @jane, @omar", TeamAdd("Growth", (JANE, UserRef(None, "omar")))),
    ("team add Growth @jane and @omar", TeamAdd("Growth", (JANE, UserRef(None, "omar")))),
]


@pytest.mark.parametrize(("text", "expected"), VALID, ids=[text or "<empty>" for text, _ in VALID])
def test_parses(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("prefix", ["", "okr ", "OKR ", "/okr ", "  okr  "])
def test_every_platform_prefix_gives_the_same_command(prefix: str) -> None:
    assert parse(prefix + "checkin KR3 40 --at-risk") == RecordCheckIn(kr(3), 40.0, Confidence.AT_RISK)


INVALID: list[tuple[str, str, str | None]] = [
    # unknown commands
    ("lsit", 'Unknown command "lsit". Did you mean "list"?', "list"),
    ("okr chekin KR3 4", 'Unknown command "chekin". Did you mean "checkin"?', "checkin"),
    ("O12", 'Unknown command "O12". Did you mean "okr show O12"?', "show"),
    ("xyzzy", 'Unknown command "xyzzy". Type "okr help" to see the commands.', None),
    ("/okr okr ls", 'Unknown command "ls". Did you mean "list"?', "list"),
    # help
    ("help foo", 'There is no command "foo". Commands: ' + ", ".join(USAGE), "help"),
    ("help lsit", 'There is no command "lsit". Did you mean "list"? Commands: ' + ", ".join(USAGE), "help"),
    ("help kr checkin", 'Unexpected "checkin" in "okr help"', "help"),
    # list
    ("list bogus", '"bogus" is not a list: use mine, team <name>, @user, company, all or at-risk', "list"),
    ("list team", '"okr list team" needs the team\'s name, like okr list team Growth', "list"),
    ("list team cycle 2026-Q4", '"okr list team" needs the team\'s name, like okr list team Growth', "list"),
    ("list cycle", "cycle needs a value, like cycle 2026-Q4", "list"),
    ("list cycle next", '"next" is not a cycle: write it like 2026-Q4', "list"),
    ("list --cycle 20266", '"20266" is not a cycle: write it like 2026-Q4', "list"),
    ("list all cycle 2026-Q1 --cycle 2026-Q2", "The cycle is given twice", "list"),
    ("list --more abc", '"abc" is not a count: write --more like --more 10', "list"),
    ("list --more -1", '"-1" is not a count: write --more like --more 10', "list"),
    ("list --more", "--more needs a value", "list"),
    ("list mine extra", 'Unexpected "extra" in "okr list"', "list"),
    ("list --mine", 'Unknown option --mine for "okr list"', "list"),
    # show and references
    ("show", '"okr show" needs an objective or a key result, like O12 or KR34', "show"),
    ("show KR3x", '"KR3x" is not an objective or key result reference: write it like O12 or KR34', "show"),
    (
        "show I5",
        '"I5" is an initiative, but "okr show" needs an objective or a key result, like O12 or KR34',
        "show",
    ),
    ("show O0", '"O0" is not an objective or key result reference: write it like O12 or KR34', "show"),
    (
        "show O2147483648",
        '"O2147483648" is not an objective or key result reference: write it like O12 or KR34',
        "show",
    ),
    ("show O12 now", 'Unexpected "now" in "okr show"', "show"),
    ("show O12 share please", 'Unexpected "please" in "okr show"', "show"),
    # new
    ("new Grow --team Growth --company", "Use either --team or --company, not both", "new"),
    ('new Grow --team ""', '--team needs the team\'s name, like --team "Growth Marketing"', "new"),
    ("new Grow --team", "--team needs a value", "new"),
    ("new Grow --team --company", "--team needs a value", "new"),
    ("new Grow --parent KR3", '"KR3" is a key result, but --parent needs an objective, like O12', "new"),
    ("new Grow --parent Growth", '"Growth" is not an objective reference: write it like O12', "new"),
    ("new Grow --cycle soon", '"soon" is not a cycle: write it like 2026-Q4', "new"),
    ("new Grow --private=yes", "--private takes no value", "new"),
    ("new Grow --private --private", "--private is given twice", "new"),
    ("new Grow --foo", 'Unknown option --foo for "okr new"', "new"),
    ("new Grow --compnay", 'Unknown option --compnay for "okr new". Did you mean --company?', "new"),
    # kr
    ("kr", '"okr kr" needs an objective, like O12', "kr"),
    ("kr KR3 Grow", '"KR3" is a key result, but "okr kr" needs an objective, like O12', "kr"),
    ("kr Grow revenue", '"Grow" is not an objective reference: write it like O12', "kr"),
    ("kr O12 Grow --target abc", '"abc" is not a number: write --target like 120, 40% or $1.2k', "kr"),
    ("kr O12 Grow --start 1e5", '"1e5" is not a number: write --start like 120, 40% or $1.2k', "kr"),
    ("kr O12 Grow --weight 0", "--weight must be more than 0, like --weight 2", "kr"),
    ("kr O12 Grow --weight -1", "--weight must be more than 0, like --weight 2", "kr"),
    ("kr O12 Grow --weight heavy", '"heavy" is not a number: write --weight like 120, 40% or $1.2k', "kr"),
    (
        "kr O12 Grow --type sideways",
        '"sideways" is not a key result type: use increase, decrease, above, below, milestone',
        "kr",
    ),
    ("kr O12 Grow --owner jane", '"jane" is not a mention: write it like --owner @jane', "kr"),
    (
        "kr O12 Grow --target 5% --start $4",
        "--start and --target carry different units: give one --unit",
        "kr",
    ),
    ('kr O12 Grow --unit ""', "--unit needs a unit, like --unit customers", "kr"),
    ("kr O12 Grow --target", "--target needs a value", "kr"),
    ("kr O12 Grow --type decrease --kind increase", "--type is given twice", "kr"),
    ("kr O12 Grow --foo", 'Unknown option --foo for "okr kr"', "kr"),
    ("kr O12 Grow --taget 40", 'Unknown option --taget for "okr kr". Did you mean --target?', "kr"),
    # checkin
    ("checkin", '"okr checkin" needs a key result, like KR34', "checkin"),
    ("checkin O3 40", '"O3" is an objective, but "okr checkin" needs a key result, like KR34', "checkin"),
    ("checkin KR3x 40", '"KR3x" is not a key result reference: write it like KR34', "checkin"),
    ("checkin KR34 abc", '"abc" is not a number: okr checkin KR34 <value>', "checkin"),
    ("ci KR7 great week", '"great" is not a number: okr checkin KR7 <value>', "checkin"),
    (
        "checkin KR34 40 --confidence purple",
        '"purple" is not a confidence: use on-track, at-risk or off-track',
        "checkin",
    ),
    ("checkin KR34 40 --on-track --red", "Give one confidence: on-track, at-risk or off-track", "checkin"),
    (
        "checkin KR34 40 --at-risk --confidence green",
        "Give one confidence: on-track, at-risk or off-track",
        "checkin",
    ),
    ("checkin KR34 40 --confidence", "--confidence needs a value", "checkin"),
    ("checkin KR34 40 --note hi", 'Unknown option --note for "okr checkin"', "checkin"),
    # initiative, done
    ("initiative KR34", '"okr initiative KR34" needs the initiative\'s title', "initiative"),
    ('initiative KR34 ""', '"okr initiative KR34" needs the initiative\'s title', "initiative"),
    (
        "initiative O3 Survey",
        '"O3" is an objective, but "okr initiative" needs a key result, like KR34',
        "initiative",
    ),
    ("done", '"okr done" needs an initiative, like I5', "done"),
    ("done KR5", '"KR5" is a key result, but "okr done" needs an initiative, like I5', "done"),
    ("done I5 I6", 'Unexpected "I6" in "okr done"', "done"),
    # align
    ("align", '"okr align" needs an objective, like O12', "align"),
    ("align O12", '"okr align O12" needs the parent objective: okr align O12 under O3', "align"),
    ("align O12 under", '"okr align O12" needs the parent objective: okr align O12 under O3', "align"),
    (
        "align O12 under KR3",
        '"KR3" is a key result, but "okr align O12 under" needs an objective, like O12',
        "align",
    ),
    ("align O12 above O3", '"above" is not an objective reference: write it like O12', "align"),
    ("align O12 under O3 please", 'Unexpected "please" in "okr align"', "align"),
    # owner, rename, archive, delete
    ("owner KR34", '"okr owner KR34" needs the new owner, like @jane', "owner"),
    ("owner KR34 jane", '"jane" is not a mention: write it like @jane', "owner"),
    (
        "owner I5 @jane",
        '"I5" is an initiative, but "okr owner" needs an objective or a key result, like O12 or KR34',
        "owner",
    ),
    ("owner O1 @jane @omar", 'Unexpected "@omar" in "okr owner"', "owner"),
    ("rename O12", '"okr rename O12" needs the new title', "rename"),
    ("rename I5 “”", '"okr rename I5" needs the new title', "rename"),
    (
        "rename Growth",
        '"Growth" is not an objective, key result or initiative reference: write it like O12, KR34 or I5',
        "rename",
    ),
    ("archive KR3", '"KR3" is a key result, but "okr archive" needs an objective, like O12', "archive"),
    ("archive O3 now", 'Unexpected "now" in "okr archive"', "archive"),
    ("delete O12 yes", 'Unexpected "yes" in "okr delete"', "delete"),
    ("delete O12 --yes=1", "--yes takes no value", "delete"),
    ("delete O12 --force", 'Unknown option --force for "okr delete"', "delete"),
    # cycle, export
    (
        "cycle open 2026-Q4",
        'Unknown cycle command "open": use "okr cycle list" or "okr cycle close 2026-Q4"',
        "cycle",
    ),
    ("cycle close", '"okr cycle close" needs the cycle, like okr cycle close 2026-Q4', "cycle"),
    ("cycle close next", '"next" is not a cycle: write it like 2026-Q4', "cycle"),
    ("cycle close 2026-Q4 2027-Q1", 'Unexpected "2027-Q1" in "okr cycle"', "cycle"),
    ("cycle list all", 'Unexpected "all" in "okr cycle"', "cycle"),
    ("export xml", '"xml" is not an export format: use csv or json', "export"),
    ("export csv json", 'Unexpected "json" in "okr export"', "export"),
    # team
    ("team", '"okr team" needs create or add, like okr team create Growth', "team"),
    (
        "team remove Growth @jane",
        'Unknown team command "remove": use "okr team create" or "okr team add"',
        "team",
    ),
    ("team create", '"okr team create" needs the team\'s name, like okr team create Growth', "team"),
    ('team create ""', '"okr team create" needs the team\'s name, like okr team create Growth', "team"),
    (
        "team add @jane",
        '"okr team add" needs the team\'s name before the people: okr team add Growth @jane',
        "team",
    ),
    ("team add Growth", '"okr team add Growth" needs at least one person, like @jane', "team"),
    ("team add Growth @jane omar", '"omar" is not a mention: write it like @jane', "team"),
]


@pytest.mark.parametrize(("text", "message", "topic"), INVALID, ids=[text for text, _, _ in INVALID])
def test_usage_errors(text: str, message: str, topic: str | None) -> None:
    with pytest.raises(UsageError) as caught:
        parse(text)
    error = caught.value
    assert error.message == message
    assert str(error) == message
    assert "\n" not in error.message
    assert error.topic == topic
    assert error.usage == (USAGE[topic] if topic is not None else COMMANDS_HINT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("new Make customers' happiness great", NewObjective("Make customers' happiness great")),
        ("new Don't stop", NewObjective("Don't stop")),
        ("new 'single quotes' stay", NewObjective("'single quotes' stay")),
        ('new "unbalanced quote', NewObjective('"unbalanced quote')),
        ('new unbalanced" quote', NewObjective('unbalanced" quote')),
        ('new a 6" screen', NewObjective('a 6" screen')),
        ("new “smart” and “more smart”", NewObjective("“smart” and “more smart”")),
        ("new ”reversed smart quotes“", NewObjective("reversed smart quotes")),
        ('new "--team is text here"', NewObjective("--team is text here")),
        ('new "mixed quotes”', NewObjective("mixed quotes")),
        ("new latency <200ms and errors > 1%", NewObjective("latency <200ms and errors > 1%")),
        ("new Ask <#C123|general> for ideas", NewObjective("Ask <#C123|general> for ideas")),
        ("new Thank <@U1|Jane Doe> today", NewObjective("Thank <@U1|Jane Doe> today")),
        ("new -- just dashes", NewObjective("-- just dashes")),
    ],
)
def test_tokenizer_edge_cases(text: str, expected: Command) -> None:
    assert parse(text) == expected


def test_a_mention_with_spaces_is_one_word() -> None:
    assert parse("team add Growth @{U1|Jane Doe} @{U2|Omar   Ali}") == TeamAdd(
        "Growth", (UserRef("U1", "Jane Doe"), UserRef("U2", "Omar   Ali"))
    )


def test_options_may_use_an_em_dash_or_equals_sign() -> None:
    expected = NewKeyResult(obj(1), "Grow", target=40.0, start=10.0, unit="%", kind=KRKind.INCREASE)
    assert parse("kr O1 Grow —target 40% --start=10% —type=increase") == expected
    assert parse("kr O1 Grow –target 40% —start 10% --kind=increase") == expected


def test_quoted_option_word_is_a_title_not_an_option() -> None:
    assert parse('initiative KR1 "--yes we can"') == NewInitiative(kr(1), "--yes we can")


@settings(max_examples=400)
@given(st.text())
def test_any_text_is_a_command_or_a_usage_error(text: str) -> None:
    try:
        command = parse(text)
    except UsageError as error:
        assert error.message
        assert "\n" not in error.message
        return
    assert isinstance(command, Command)


_WORDS = st.sampled_from(
    [
        "okr",
        "list",
        "show",
        "new",
        "kr",
        "checkin",
        "ci",
        "initiative",
        "done",
        "align",
        "owner",
        "rename",
        "archive",
        "delete",
        "cycle",
        "close",
        "export",
        "team",
        "create",
        "add",
        "help",
        "O1",
        "KR2",
        "I3",
        "#O4",
        "@jane",
        "@{U1|Jane Doe}",
        "@{|Jane}",
        "under",
        "share",
        "--team",
        "--company",
        "--target",
        "—start",
        "--unit",
        "--owner",
        "--type",
        "--weight",
        "--confidence",
        "--at-risk",
        "--yes",
        "--more",
        "--cycle",
        "--x=",
        '"',
        "“",
        "”",
        "<",
        ">",
        "40%",
        "$1.2k",
        "-3",
        "0",
        "done",
        "green",
        "2026-Q4",
        "csv",
        "json",
        "mine",
        "at",
        "risk",
    ]
)


@settings(max_examples=400)
@given(st.lists(_WORDS, max_size=8).map(" ".join))
def test_any_mix_of_grammar_words_is_a_command_or_a_usage_error(text: str) -> None:
    try:
        command = parse(text)
    except UsageError as error:
        assert error.message
        assert error.usage
        return
    assert isinstance(command, Command)


def test_messages_stay_on_one_line_and_short() -> None:
    with pytest.raises(UsageError) as caught:
        parse('"two\nlines" here')
    assert caught.value.message == 'Unknown command "two lines". Type "okr help" to see the commands.'
    with pytest.raises(UsageError) as caught:
        parse("checkin KR1 " + "x" * 200)
    assert caught.value.message == '"' + "x" * 39 + '…" is not a number: okr checkin KR1 <value>'
