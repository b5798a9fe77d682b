"""Installing the bot: references, the paged roster linked to members, one welcome card."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from storage.tables import Member, Workspace
from storage.teams_refs import TeamsConversation, TeamsUser
from tests.adapters.teams.conftest import MAYA, SAM, TENANT, TeamsApp
from tests.adapters.teams.test_messages import PERSONAL_CHAT, rows, texts

TEAM = "19:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d@thread.tacv2"
LEE = "29:1LeeKx9Yb8Wc7Vd6Ue5Tf4Sg3Rh2Qi1Pj0Ok9Nl8Mm7Ln6Ko5Jp4Iq3Hr2Gs1Ft0Eu"


def account(user_id: str, name: str, aad: str) -> dict[str, Any]:
    """A member as the pagedmembers API returns it."""
    given, _, surname = name.partition(" ")
    return {
        "id": user_id,
        "name": name,
        "aadObjectId": aad,
        "givenName": given,
        "surname": surname,
        "email": f"{given.lower()}@contoso.com",
        "userPrincipalName": f"{given.lower()}@contoso.com",
        "tenantId": TENANT,
        "userRole": "user",
    }


ROSTER = [
    account(MAYA, "Maya Lopez", "6a0e5f3c-9b1d-4e2a-8c7f-1d2e3f4a5b6c"),
    account(SAM, "Sam Okafor", "b7c8d9e0-1f2a-4b3c-8d4e-5f6a7b8c9d0e"),
    account(LEE, "Lee Chen", "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"),
]


async def test_installing_in_a_team_links_the_whole_roster_page_by_page(teams: TeamsApp) -> None:
    teams.connector.roster = ROSTER
    response = await teams.post(teams.activity("team_install"))
    assert response.status == 200

    pages = [c for c in teams.connector.calls if c.path.endswith("/pagedmembers")]
    assert len(pages) == 2  # three people, two per page
    assert {c.conversation_id for c in pages} == {TEAM}
    members = await rows(teams, select(Member).order_by(Member.display_name))
    assert [(m.display_name, m.platform_user_id, m.tz) for m in members] == [
        ("Lee Chen", LEE, "UTC"),
        ("Maya Lopez", MAYA, "UTC"),
        ("Sam Okafor", SAM, "UTC"),
    ]
    users = await rows(teams, select(TeamsUser).order_by(TeamsUser.user_id))
    assert {u.aad_object_id for u in users} == {a["aadObjectId"] for a in ROSTER}
    assert {u.service_url for u in users} == {teams.connector.url}
    [workspace] = await rows(teams, select(Workspace))
    assert (workspace.platform, workspace.external_id) == ("teams", TENANT)


async def test_installing_greets_once_and_stores_the_teams_reference(teams: TeamsApp) -> None:
    teams.connector.roster = ROSTER
    await teams.post(teams.activity("team_install"))
    await teams.post(teams.activity("team_install", type="installationUpdate", action="add"))

    [welcome] = teams.connector.sent()
    assert welcome.conversation_id == TEAM
    assert "Hi" in texts(teams.connector.cards()[0])
    [conversation] = await rows(teams, select(TeamsConversation))
    assert (conversation.conversation_id, conversation.kind) == (TEAM, "channel")


async def test_a_personal_install_greets_in_the_chat_and_remembers_whose_chat_it_is(teams: TeamsApp) -> None:
    teams.connector.roster = ROSTER[:1]
    await teams.post(teams.activity("personal_install"))

    [welcome] = teams.connector.sent()
    assert welcome.conversation_id == PERSONAL_CHAT
    assert "list" in texts(teams.connector.cards()[0])
    [conversation] = await rows(teams, select(TeamsConversation))
    assert (conversation.kind, conversation.user_id) == ("personal", MAYA)


async def test_time_zones_come_from_teams_once_it_sends_one(teams: TeamsApp) -> None:
    teams.connector.roster = ROSTER
    await teams.post(teams.activity("team_install"))
    await teams.say("help")  # Maya's client says Europe/Berlin

    members = {m.platform_user_id: m.tz for m in await rows(teams, select(Member))}
    assert members == {MAYA: "Europe/Berlin", SAM: "UTC", LEE: "UTC"}


async def test_uninstalling_or_other_updates_send_nothing(teams: TeamsApp) -> None:
    await teams.post(teams.activity("personal_install", action="remove"))
    update = teams.activity("team_install", membersAdded=[], membersRemoved=[{"id": LEE}])
    await teams.post(update)
    assert teams.connector.calls == []


async def test_people_joining_a_team_the_bot_is_in_are_linked(teams: TeamsApp) -> None:
    teams.connector.roster = ROSTER
    joined = teams.activity(
        "team_install", membersAdded=[{"id": LEE, "aadObjectId": ROSTER[2]["aadObjectId"]}]
    )
    await teams.post(joined)
    [lee] = await rows(teams, select(Member))
    assert (lee.platform_user_id, lee.display_name) == (LEE, "Lee Chen")
    assert teams.connector.sent() == []
