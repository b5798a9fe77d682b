"""The fake Slack Web API, driven by slack_sdk's own AsyncWebClient: the wire shapes are the real client's."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.modals import modal_view
from adapters.slack.render import message_payload
from bot.views.actions import FormId
from bot.views.cards import Card, Form, FormField, Response, Section
from tests.children import python_path
from tests.fakes.slack_api import POSTING_METHODS, FakeSlackApi, SlackUser, load_methods

ROOT = Path(__file__).resolve().parents[2]
BOT_METHODS = {
    "chat.postMessage", "chat.postEphemeral", "chat.update", "views.open", "views.publish", "views.update",
    "users.info", "conversations.open", "auth.test", "oauth.v2.access", "apps.connections.open",
}  # fmt: skip


class Clock:
    """A clock the test moves by hand, for rates and response_url lifetimes without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as fake:
        fake.add_user(SlackUser("U0SAM", "sam", "Sam Rivera", tz="Europe/Lisbon", display_name="sam.r"))
        yield fake


def client_for(slack: FakeSlackApi, token: str | None = None, **options: Any) -> AsyncWebClient:
    return AsyncWebClient(
        token=token if token is not None else slack.bot_token, base_url=slack.url, **options
    )


async def slack_error(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        await call
    return raised.value


def test_the_methods_file_covers_every_method_the_bot_calls() -> None:
    methods = load_methods()
    assert set(methods) == BOT_METHODS
    assert methods["chat.postMessage"].required == ("channel",)
    assert methods["chat.postEphemeral"].required == ("channel", "user")
    assert methods["views.open"].required == ("trigger_id", "view")
    assert methods["chat.postMessage"].success_required == ("ok", "channel", "ts", "message")
    assert methods["oauth.v2.access"].token == "none" and methods["apps.connections.open"].token == "app"


async def test_post_message_with_blocks_is_recorded_and_answered_like_slack(slack: FakeSlackApi) -> None:
    card = Card(title="Checked in on KR1", sections=(Section(text="35 of 50"),))
    [message] = message_payload(Response.card(card))
    answer = await client_for(slack).chat_postMessage(channel="C0GENERAL", **message)
    assert answer["ok"] is True and answer["channel"] == "C0GENERAL"
    assert answer["message"]["blocks"] == message["blocks"]
    assert answer["message"]["bot_id"] == "B0OKRBOT" and answer["message"]["ts"] == answer["ts"]
    [call] = slack.calls("chat.postMessage")
    assert call.ok and call.token == slack.bot_token
    assert call.args["blocks"] == message["blocks"] and call.args["text"] == "Checked in on KR1"
    assert slack.messages[("C0GENERAL", answer["ts"])]["text"] == "Checked in on KR1"


async def test_form_encoded_bodies_and_a_token_field_work_too(slack: FakeSlackApi) -> None:
    blocks = json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}])
    async with aiohttp.ClientSession() as session:
        form = {"token": slack.bot_token, "channel": "C1", "text": "hi", "blocks": blocks}
        async with session.post(f"{slack.url}chat.postMessage", data=form) as answer:
            body = await answer.json()
        async with session.post(
            f"{slack.url}chat.postMessage", data="{nope", headers=_json_headers(slack)
        ) as bad:
            invalid = await bad.json()
    assert body["ok"] is True and body["message"]["blocks"][0]["text"]["text"] == "hi"
    assert slack.calls("chat.postMessage")[0].args["blocks"] == json.loads(
        blocks
    )  # parsed like the JSON body
    assert invalid == {"ok": False, "error": "invalid_json"}


def _json_headers(slack: FakeSlackApi) -> dict[str, str]:
    return {"Authorization": f"Bearer {slack.bot_token}", "Content-Type": "application/json"}


async def test_unknown_methods_missing_arguments_and_bad_tokens_are_refused_like_slack(
    slack: FakeSlackApi,
) -> None:
    client = client_for(slack)
    unknown = await slack_error(client.api_call("chat.postMesage", json={"channel": "C1", "text": "x"}))
    assert unknown.response["error"] == "unknown_method"
    missing = await slack_error(client.api_call("chat.postEphemeral", json={"channel": "C1", "text": "x"}))
    assert missing.response["error"] == "invalid_arguments"
    assert missing.response["response_metadata"]["messages"] == ["[ERROR] missing required field: user"]
    with pytest.warns(UserWarning, match="`text` argument is missing"):  # slack_sdk's own warning
        no_text = await slack_error(client.chat_postMessage(channel="C1"))
    assert no_text.response["error"] == "no_text"
    assert (await slack_error(client_for(slack, "").auth_test())).response["error"] == "not_authed"
    assert (await slack_error(client_for(slack, "xoxb-wrong").auth_test())).response[
        "error"
    ] == "invalid_auth"
    slack.revoke(slack.bot_token)
    assert (await slack_error(client.auth_test())).response["error"] == "token_revoked"
    assert [c.error for c in slack.calls()] == [
        "unknown_method", "invalid_arguments", "no_text", "not_authed", "invalid_auth", "token_revoked",
    ]  # fmt: skip


async def test_blocks_over_slacks_limits_are_refused(slack: FakeSlackApi) -> None:
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    too_many = await slack_error(
        client_for(slack).chat_postMessage(channel="C1", text="t", blocks=[section] * 51)
    )
    assert too_many.response["error"] == "invalid_blocks"
    long_text = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    too_long = await slack_error(
        client_for(slack).chat_postMessage(channel="C1", text="t", blocks=[long_text])
    )
    assert too_long.response["error"] == "invalid_blocks"


async def test_users_info_comes_from_the_directory(slack: FakeSlackApi) -> None:
    user = (await client_for(slack).users_info(user="U0SAM"))["user"]
    assert user["id"] == "U0SAM" and user["name"] == "sam" and user["real_name"] == "Sam Rivera"
    assert user["tz"] == "Europe/Lisbon" and user["is_admin"] is False
    assert user["profile"]["display_name"] == "sam.r"
    assert slack.calls("users.info")[0].args == {"user": "U0SAM"}  # a GET with query arguments
    missing = await slack_error(client_for(slack).users_info(user="U0NOBODY"))
    assert missing.response["error"] == "user_not_found"


async def test_dms_updates_and_auth_test(slack: FakeSlackApi) -> None:
    client = client_for(slack)
    opened = await client.conversations_open(users="U0SAM")
    assert opened["channel"]["id"] == "D0SAM"
    posted = await client.chat_postMessage(channel="U0SAM", text="Time to check in")
    assert posted["channel"] == "D0SAM"
    updated = await client.chat_update(channel="D0SAM", ts=posted["ts"], text="Checked in ✓")
    assert (
        updated["text"] == "Checked in ✓"
        and slack.messages[("D0SAM", posted["ts"])]["text"] == "Checked in ✓"
    )
    gone = await slack_error(client.chat_update(channel="D0SAM", ts="1.000000", text="x"))
    assert gone.response["error"] == "message_not_found"
    slack.refuse_channel("C0SECRET", "not_in_channel")
    refused = await slack_error(client.chat_postMessage(channel="C0SECRET", text="x"))
    assert refused.response["error"] == "not_in_channel"
    me = await client.auth_test()
    assert (me["team_id"], me["user_id"], me["bot_id"]) == ("T0ACME", "U0OKRBOT", "B0OKRBOT")
    ephemeral = await client.chat_postEphemeral(channel="C0GENERAL", user="U0SAM", text="only you")
    assert ephemeral["message_ts"]


async def test_views_open_publish_and_update(slack: FakeSlackApi) -> None:
    client = client_for(slack)
    form = Form(FormId.CHECKIN, "Check in on KR1", (FormField("value", "New value"),), "Check in", '{"kr":1}')
    opened = await client.views_open(trigger_id="123.456.abc", view=modal_view(form))
    view = opened["view"]
    assert view["id"].startswith("V") and view["callback_id"] == "okr.form.checkin"
    assert slack.calls("views.open")[0].args["view"]["private_metadata"] == '{"kr":1}'
    updated = await client.views_update(view_id=view["id"], hash=view["hash"], view=modal_view(form))
    assert updated["view"]["id"] == view["id"]
    stale = await slack_error(
        client.views_update(view_id=view["id"], hash=view["hash"], view=modal_view(form))
    )
    assert stale.response["error"] == "hash_conflict"
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]}
    assert (await client.views_publish(user_id="U0SAM", view=home))["view"]["type"] == "home"
    bad_title = {"type": "modal", "title": {"type": "plain_text", "text": "x" * 25}, "blocks": []}
    refused = await slack_error(client.views_open(trigger_id="1.2.3", view=bad_title))
    assert refused.response["error"] == "invalid_arguments"
    slack.fail_next("views.open", error="expired_trigger_id", status=200)
    expired = await slack_error(client.views_open(trigger_id="1.2.3", view=modal_view(form)))
    assert expired.response["error"] == "expired_trigger_id"


async def test_oauth_install_token_rotation_and_socket_mode_url(slack: FakeSlackApi) -> None:
    slack.rotating = True
    code = slack.oauth_code("T0BETA", installer="U0ADA")
    client = AsyncWebClient(base_url=slack.url)
    installed = await client.oauth_v2_access(
        client_id=slack.client_id, client_secret=slack.client_secret, code=code
    )
    assert installed["team"]["id"] == "T0BETA" and installed["authed_user"] == {"id": "U0ADA"}
    assert installed["token_type"] == "bot" and installed["expires_in"] == 43_200
    assert (await client_for(slack, installed["access_token"]).auth_test())["team_id"] == "T0BETA"
    reused = await slack_error(
        client.oauth_v2_access(client_id=slack.client_id, client_secret=slack.client_secret, code=code)
    )
    assert reused.response["error"] == "invalid_code"
    wrong = await slack_error(
        client.oauth_v2_access(client_id=slack.client_id, client_secret="nope", code="c")
    )
    assert wrong.response["error"] == "bad_client_secret"
    refreshed = await client.oauth_v2_access(
        client_id=slack.client_id,
        client_secret=slack.client_secret,
        grant_type="refresh_token",
        refresh_token=installed["refresh_token"],
    )
    assert refreshed["access_token"] != installed["access_token"]
    assert (await client_for(slack, refreshed["access_token"]).auth_test())["team_id"] == "T0BETA"

    opened = await client_for(slack, slack.app_token).apps_connections_open(app_token=slack.app_token)
    assert opened["url"].startswith(f"ws://{slack.host}:{slack.port}/link/")  # the fake's own socket
    wrong_kind = await slack_error(client_for(slack).apps_connections_open(app_token=slack.bot_token))
    assert wrong_kind.response["error"] == "not_allowed_token_type"


async def test_queued_429_and_500_reach_the_client_and_its_retry_handlers_recover(
    slack: FakeSlackApi,
) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    limited = await slack_error(client_for(slack).chat_postMessage(channel="C1", text="x"))
    assert limited.response.status_code == 429 and limited.response.headers["Retry-After"] == "1"
    assert limited.response["error"] == "ratelimited"

    slack.fail_next("chat.postMessage", 2, status=500)
    broken = await slack_error(client_for(slack).chat_postMessage(channel="C1", text="x"))
    assert broken.response.status_code == 500

    slack.reset()
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    slack.fail_next("users.info", status=503)
    patient = client_for(
        slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(1), AsyncServerErrorRetryHandler(1)]
    )
    assert (await patient.chat_postMessage(channel="C1", text="x"))["ok"]
    assert (await patient.users_info(user="U0SAM"))["ok"]
    assert [c.status for c in slack.calls()] == [429, 200, 503, 200]
    assert slack.calls("chat.postMessage")[1].at - slack.calls("chat.postMessage")[0].at >= 0.9  # waited


async def test_a_late_answer_times_the_client_out(slack: FakeSlackApi) -> None:
    slack.fail_next("chat.postMessage", status=None, delay=1.5)
    with pytest.raises(asyncio.TimeoutError):
        await client_for(slack, timeout=1).chat_postMessage(channel="C1", text="x")


async def test_rate_is_enforced_per_workspace_and_method() -> None:
    clock = Clock()
    async with FakeSlackApi(rate=2, clock=clock) as slack:
        beta = slack.add_workspace("T0BETA")
        acme, other = client_for(slack), client_for(slack, beta.bot_token)
        for _ in range(2):
            await acme.chat_postMessage(channel="C1", text="x")
        over = await slack_error(acme.chat_postMessage(channel="C1", text="x"))
        assert over.response.status_code == 429 and over.response.headers["Retry-After"] == "1"
        assert (await other.chat_postMessage(channel="C1", text="x"))["ok"]  # another workspace: its own rate
        assert (await acme.users_info(user="U0OKRBOT"))["ok"]  # not a posting method
        clock.now += 1.0
        assert (await acme.chat_postMessage(channel="C1", text="x"))["ok"]
        assert slack.stats()["rate_limited"] == 1
        assert set(POSTING_METHODS) == slack.rate_methods


async def test_deliveries_are_counted_by_their_idempotency_marker(slack: FakeSlackApi) -> None:
    client = client_for(slack)
    marker = {"event_type": "okr_checkin_due", "event_payload": {"outbox_id": 7}}
    await client.chat_postMessage(channel="U0SAM", text="Time to check in", metadata=marker)
    await client.chat_postMessage(channel="U0SAM", text="Time to check in", metadata=marker)
    await client.chat_postMessage(
        channel="U0SAM", text="Another", metadata={**marker, "event_payload": {"outbox_id": 8}}
    )
    await client.chat_postMessage(channel="C1", text="no metadata: channel and text count")
    assert slack.duplicates() == {json.dumps(marker, sort_keys=True): 2}
    assert slack.stats()["delivered"] == 3 and slack.stats()["duplicates"] == 1


async def test_chaos_fails_about_the_share_asked_and_repeats_with_its_seed() -> None:
    outcomes = []
    for _ in range(2):
        async with FakeSlackApi() as slack:
            slack.chaos(0.05, seed=42)
            client = client_for(slack)
            for _ in range(300):
                with contextlib.suppress(SlackApiError):
                    await client.auth_test()
            outcomes.append([c.status for c in slack.calls()])
    assert outcomes[0] == outcomes[1]
    failures = [s for s in outcomes[0] if s != 200]
    assert 5 <= len(failures) <= 30 and {429, 500} == set(failures)


async def test_response_urls_record_posts_and_expire_like_slacks() -> None:
    clock = Clock()
    async with FakeSlackApi(clock=clock) as slack:
        url = slack.mint_response_url()
        hook = AsyncWebhookClient(url)
        sent = await hook.send(text="Only you see this", response_type="ephemeral", replace_original=False)
        assert sent.status_code == 200
        [post] = slack.responses(url)
        assert post.body == {
            "text": "Only you see this",
            "response_type": "ephemeral",
            "replace_original": False,
        }
        for _ in range(4):
            assert (await hook.send(text="again")).status_code == 200
        assert (await hook.send(text="sixth")).status_code == 404  # five uses, like Slack's
        late = slack.mint_response_url()
        clock.now += 31 * 60
        expired = await AsyncWebhookClient(late).send(text="too late")
        assert expired.status_code == 404 and json.loads(expired.body)["error"] == "expired_url"
        assert (await AsyncWebhookClient(f"{slack.base}/response/unknown").send(text="x")).status_code == 404
        slack.fail_next("response_url", status=500)
        assert (await AsyncWebhookClient(slack.mint_response_url()).send(text="x")).status_code == 500


async def test_runs_standalone_for_benches_with_control_endpoints() -> None:
    env = {**os.environ, "PYTHONPATH": python_path()}
    process = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "tests.fakes.slack_api", "--port", "0", "--rate", "20"],
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        url = line.split(" on ")[1].split(" ")[0]
        base = url.removesuffix("api/")
        client = AsyncWebClient(token="xoxb-any-workspace", base_url=url)
        assert (await client.auth_test())["ok"]  # any bot token is a workspace of its own
        assert (await client.users_info(user="U0INVENTED"))["user"]["id"] == "U0INVENTED"
        async with aiohttp.ClientSession() as session:
            failure = {"method": "chat.postMessage", "status": 429}
            async with session.post(f"{base}_fake/fail", json=failure) as answer:
                assert answer.status == 200
            limited = await slack_error(client.chat_postMessage(channel="C1", text="x"))
            assert limited.response.status_code == 429
            async with session.get(f"{base}_fake/stats") as answer:
                stats = await answer.json()
            async with session.get(f"{base}_fake/calls", params={"method": "users.info"}) as answer:
                calls = await answer.json()
        assert stats["calls"] == 3 and stats["rate_limited"] == 1
        assert [c["args"] for c in calls] == [{"user": "U0INVENTED"}]
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 30) == 0
