"""The deploy files agree with the code: app.json describes every setting, the Procfile runs real `okrbot`
commands, the Dockerfile builds a small non-root image with a health check."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from adapters.cli import main
from adapters.settings import AppSettings

ROOT = Path(__file__).resolve().parents[2]

# Settings `okrbot serve` cannot run in production without, though the code gives them a default (a missing
# one fails at start-up there): the one-click deploy must ask for them, or generate them.
NEEDED_IN_PRODUCTION = {"OKRBOT_ENV", "OKRBOT_SECRET_KEY"}


def setting_names() -> set[str]:
    return {name.upper() for name in AppSettings.model_fields}


def app_json() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "app.json").read_text())
    return loaded


# ------------------------------------------------------------------------------------------------ app.json


def test_app_json_has_the_one_click_deploy_keys() -> None:
    app = app_json()

    assert {"name", "description", "repository", "keywords", "env", "formation", "addons", "buildpacks",
            "scripts"} <= set(app)  # fmt: skip
    assert app["name"] == "okrbot" and app["description"]
    assert {"plan": "heroku-postgresql"} in app["addons"]
    assert "web" in app["formation"]
    assert "db upgrade" in app["scripts"]["postdeploy"]
    assert all(isinstance(pack["url"], str) for pack in app["buildpacks"])


def test_app_json_describes_exactly_the_settings_of_bot_config() -> None:
    """A new setting in bot/config.py without an entry here (or an entry for a removed one) fails."""
    assert set(app_json()["env"]) == setting_names()


def test_every_setting_has_a_description_and_a_required_flag() -> None:
    for name, entry in app_json()["env"].items():
        assert isinstance(entry.get("description"), str) and len(entry["description"]) > 20, name
        assert isinstance(entry.get("required"), bool), name
        assert set(entry) <= {"description", "required", "value", "generator"}, name


def test_required_flags_match_what_serve_needs() -> None:
    env = app_json()["env"]
    no_default = {name.upper() for name, field in AppSettings.model_fields.items() if field.is_required()}

    required = {name for name, entry in env.items() if entry["required"]}

    assert required == no_default | NEEDED_IN_PRODUCTION
    for name in required:  # a required setting the deploy form cannot fill in by itself is asked for
        assert "value" in env[name] or "generator" in env[name] or name in no_default, name


def test_the_deploy_runs_in_production_with_a_generated_secret_key() -> None:
    env = app_json()["env"]

    assert env["OKRBOT_ENV"]["value"] == "production"
    assert env["OKRBOT_SECRET_KEY"]["generator"] == "secret"
    assert "value" not in env["OKRBOT_SECRET_KEY"]  # never one key shared by every deployment


def test_the_values_app_json_sets_are_valid_and_are_the_codes_defaults() -> None:
    """Beyond OKRBOT_ENV, app.json only shows the defaults, so that it cannot drift from bot/config.py."""
    values = {name.lower(): entry["value"] for name, entry in app_json()["env"].items() if "value" in entry}

    try:
        settings = AppSettings(_env_file=None, **values)
    except ValidationError as error:
        pytest.fail(f"app.json sets a value bot/config.py refuses: {error}")
    for name in values.keys() - {"okrbot_env"}:
        assert getattr(settings, name) == AppSettings.model_fields[name].default, name


# ------------------------------------------------------------------------------------------------ Procfile


def procfile() -> dict[str, str]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        match = re.fullmatch(r"\s*#?\s*([a-z]+):\s*(okrbot .+)", line)
        if match:
            processes[match.group(1)] = match.group(2)
    return processes


def test_the_procfile_migrates_on_release_and_serves_on_web_with_an_optional_worker() -> None:
    processes = procfile()
    active = {
        line.split(":")[0] for line in (ROOT / "Procfile").read_text().splitlines() if line[:1].isalpha()
    }

    assert processes == {"release": "okrbot db upgrade", "web": "okrbot serve", "worker": "okrbot worker"}
    assert active == {"release", "web"}  # the worker is there to uncomment, for OKRBOT_RUN_JOBS=false


@pytest.mark.parametrize("process", ["release", "web", "worker"])
def test_each_procfile_command_is_an_okrbot_command(process: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Parsed by the real command line: an unknown subcommand or argument exits 2, a known one's help 0."""
    program, *arguments = shlex.split(procfile()[process])
    assert program == "okrbot"

    with pytest.raises(SystemExit) as parsed:
        main([*arguments, "--help"])

    assert parsed.value.code == 0, capsys.readouterr().err


def test_an_unknown_command_would_fail_that_check(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as parsed:
        main(["db", "migrate", "--help"])
    assert parsed.value.code == 2


# ---------------------------------------------------------------------------------------------- Dockerfile


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), split into its stages."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def instructions(stage: list[str], keyword: str) -> list[str]:
    return [line[len(keyword) + 1 :].strip() for line in stage if line.upper().startswith(keyword + " ")]


def test_the_image_is_built_in_two_stages_on_python_3_11_slim() -> None:
    stages = dockerfile_stages()

    assert len(stages) >= 2
    assert all(stage[0].split()[1] == "python:3.11-slim" for stage in stages)
    final = stages[-1]
    assert any("--from=" in line for line in instructions(final, "COPY"))  # the virtualenv, built before
    # No compilers in the image: nothing is installed with apt in the final stage.
    assert not any(
        re.search(r"apt-get|apt |gcc|build-essential", line) for line in instructions(final, "RUN")
    )


def test_the_image_runs_okrbot_serve_as_a_user_without_privileges() -> None:
    final = dockerfile_stages()[-1]

    (user,) = instructions(final, "USER")
    assert user.split(":")[0] not in ("root", "0")
    assert instructions(final, "EXPOSE") == ["3000"]
    # Exec form: SIGTERM from `docker stop` reaches okrbot itself, not a shell that would swallow it.
    assert json.loads(instructions(final, "CMD")[-1]) == ["okrbot", "serve"]


def test_the_image_has_a_healthcheck_on_healthz_without_curl() -> None:
    (healthcheck,) = instructions(dockerfile_stages()[-1], "HEALTHCHECK")

    assert "/healthz" in healthcheck and "urllib" in healthcheck
    assert "curl" not in healthcheck and "wget" not in healthcheck


def healthcheck_command() -> str:
    """The Python one-liner the image's HEALTHCHECK runs (tests/deploy/test_shutdown.py runs it for real)."""
    (healthcheck,) = instructions(dockerfile_stages()[-1], "HEALTHCHECK")
    match = re.search(r'CMD python -c "(.+)"$', healthcheck)
    assert match, healthcheck
    return match.group(1)


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_build() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}

    assert {".git", ".venv", ".env", "*.db", "tests"} <= ignored
    assert (
        not {"README.md", "pyproject.toml", "bot", "adapters", "storage"} & ignored
    )  # `pip install .` needs them


# -------------------------------------------------------------------------------------------------- README


def test_the_readme_operations_table_names_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    operations = readme[readme.index("\n## Operations\n") :]
    table = [line for line in operations.splitlines() if line.startswith("| `")]

    named = {re.match(r"\| `([A-Z_]+)`", line).group(1) for line in table}  # type: ignore[union-attr]

    assert named == setting_names()
    required = {name for name, entry in app_json()["env"].items() if entry["required"]}
    for line in table:  # required there as in app.json
        name = line.split("`")[1]
        assert (line.split("|")[2].strip().startswith("yes")) == (name in required), line
