"""`okrbot rotate-key`: every stored token re-encrypted under the newest key, all or nothing; and start-up
refusing to store tokens without OKRBOT_SECRET_KEY."""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.bootstrap import check_settings
from adapters.cli import main
from adapters.settings import AppSettings
from adapters.slack.installations import TOKEN_FIELDS, installation_store
from adapters.slack.settings import SlackSettingsError
from storage.secrets import ENCRYPTED_COLUMNS, SecretKeyError, TokenCipher

KEY_A, KEY_B = TokenCipher.new_key(), TokenCipher.new_key()
TOKENS = {
    "bot_token": "xoxb-acme",
    "bot_refresh_token": "xoxe-1-bot-refresh",
    "user_token": "xoxp-maya",
    "user_refresh_token": "xoxe-1-user-refresh",
}


def _installation(team_id: str, **tokens: str) -> Installation:
    return Installation(
        app_id="A0OKRBOT",
        enterprise_id=None,
        team_id=team_id,
        bot_id="B0OKRBOT",
        bot_user_id="U0OKRBOT",
        bot_scopes="commands,chat:write,users:read",
        user_id="U0MAYA",
        installed_at=datetime(2026, 11, 24, 12, 0).timestamp(),
        **tokens,
    )


async def _stored(engine: AsyncEngine) -> dict[str, list[tuple[object, ...]]]:
    async with engine.connect() as connection:
        return {
            table: [
                tuple(row) for row in await connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))
            ]
            for table in ENCRYPTED_COLUMNS
        }


@pytest.fixture
async def installed(engine: AsyncEngine) -> AsyncEngine:
    """One workspace installed with every kind of token under key A, and one stored before encryption was on."""
    await installation_store(client_id="C1", engine=engine, cipher=TokenCipher(KEY_A)).async_save(
        _installation("T0ACME", **TOKENS)
    )
    plain = AsyncSQLAlchemyInstallationStore(client_id="C1", engine=engine)
    await plain.async_save(_installation("T0OLD", bot_token="xoxb-old"))
    return engine


def _rotate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, keys: str | None, *args: str
) -> int:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    if keys is None:
        monkeypatch.delenv("OKRBOT_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("OKRBOT_SECRET_KEY", keys)
    return main(["rotate-key", *args])


async def test_rotating_to_a_new_key_lets_the_new_key_alone_read_every_token(
    installed: AsyncEngine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = await _stored(installed)

    code = await asyncio.to_thread(_rotate, monkeypatch, tmp_path, database_url, f"{KEY_B},{KEY_A}")

    assert code == 0
    # T0ACME: 4 tokens in its installation row and 2 in its bot row; T0OLD: its bot token in each.
    assert (
        capsys.readouterr().out == "Re-encrypted 8 stored tokens under the first key of OKRBOT_SECRET_KEY.\n"
    )
    after = await _stored(installed)
    assert after != before
    for rows in after.values():
        assert all(not (isinstance(v, str) and v.startswith("xox")) for row in rows for v in row)
    only_b = installation_store(client_id="C1", engine=installed, cipher=TokenCipher(KEY_B))
    found = await only_b.async_find_installation(enterprise_id=None, team_id="T0ACME")
    assert found is not None
    assert {name: getattr(found, name) for name in TOKENS} == TOKENS
    bot = await only_b.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None and (bot.bot_token, bot.bot_refresh_token) == ("xoxb-acme", "xoxe-1-bot-refresh")
    old = await only_b.async_find_bot(enterprise_id=None, team_id="T0OLD")
    assert old is not None and old.bot_token == "xoxb-old"
    with pytest.raises(SecretKeyError):
        await installation_store(client_id="C1", engine=installed, cipher=TokenCipher(KEY_A)).async_find_bot(
            enterprise_id=None, team_id="T0ACME"
        )


async def test_a_token_no_configured_key_reads_stops_the_rotation_with_nothing_written(
    installed: AsyncEngine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = await _stored(installed)

    code = await asyncio.to_thread(_rotate, monkeypatch, tmp_path, database_url, KEY_B)

    error = capsys.readouterr().err
    assert code == 2 and error.count("\n") == 1
    assert "OKRBOT_SECRET_KEY does not hold" in error and "keep that key in the list" in error
    assert await _stored(installed) == before


async def test_rotating_needs_the_setting(
    engine: AsyncEngine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = await asyncio.to_thread(_rotate, monkeypatch, tmp_path, database_url, None)
    assert code == 2 and capsys.readouterr().err.startswith("okrbot: OKRBOT_SECRET_KEY is not set")


def test_new_prints_a_key_alone_on_stdout_and_how_to_use_it_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _rotate(monkeypatch, tmp_path, f"sqlite:///{tmp_path / 'never.db'}", None, "--new") == 0
    out, err = capsys.readouterr()
    key = out.strip()
    assert out == key + "\n" and TokenCipher(key).decrypt(TokenCipher(key).encrypt("x")) == "x"
    assert "in front" in err and "okrbot rotate-key" in err
    assert not (tmp_path / "never.db").exists()  # printing a key touches no database


async def test_the_rotation_covers_every_token_column_slack_sdk_stores(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        columns = await connection.run_sync(
            lambda sync: {t: {c["name"] for c in sa.inspect(sync).get_columns(t)} for t in ENCRYPTED_COLUMNS}
        )
    for table, names in columns.items():
        assert set(ENCRYPTED_COLUMNS[table]) == names & set(TOKEN_FIELDS), table


# -- start-up: no tokens stored without the key -----------------------------------------------------------

OAUTH = {
    "slack_client_id": "111.222",
    "slack_client_secret": "client-secret",
    "slack_signing_secret": "signing-secret",
}


def _production(**values: str) -> AppSettings:
    return AppSettings(okrbot_env="production", _env_file=None, **OAUTH, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("key", [None, "", "   "])
def test_production_with_oauth_and_no_key_fails_naming_the_setting(key: str | None) -> None:
    settings = _production() if key is None else _production(okrbot_secret_key=key)
    with pytest.raises(SlackSettingsError) as caught:
        check_settings(settings)
    assert str(caught.value).startswith("OKRBOT_SECRET_KEY is not set") and "\n" not in str(caught.value)


def test_production_accepts_a_generated_64_hex_secret_and_refuses_a_short_one() -> None:
    check_settings(_production(okrbot_secret_key=secrets.token_hex(32)))
    with pytest.raises(SecretKeyError, match="OKRBOT_SECRET_KEY must be"):
        check_settings(_production(okrbot_secret_key="hunter2"))


def test_serve_stops_before_listening_when_the_key_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in {**OAUTH, "okrbot_env": "production"}.items():
        monkeypatch.setenv(name.upper(), value)
    monkeypatch.delenv("OKRBOT_SECRET_KEY", raising=False)
    assert main(["serve", "--port", "0"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("okrbot: OKRBOT_SECRET_KEY is not set") and error.count("\n") == 1
