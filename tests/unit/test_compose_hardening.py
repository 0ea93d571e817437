"""Compose as production expects (issue 11): hardened stages, secrets from files, and no
default Grafana password (issue 9)."""

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.app.settings import load_settings
from tests.unit.test_example_config import (
    COMPOSE,
    DEPLOY,
    EXAMPLE,
    SECRETS,
    STAGES,
    TEST_ENV,
    docker_compose_config,
    uncomment_optional_channels,
)

SECRETS_OVERRIDE = DEPLOY / "docker-compose.secrets.yml"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return data


@pytest.mark.parametrize("stage", STAGES)
def test_stages_are_hardened(stage: str) -> None:
    service = load(COMPOSE)["services"][stage]
    assert service["read_only"] is True
    assert any(t.split(":")[0] == "/tmp" for t in service["tmpfs"])
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]


def grafana_gate(password: str | None) -> subprocess.CompletedProcess[str]:
    """Run Grafana's start-up check as Compose would, with `/run.sh` standing for Grafana."""
    grafana = load(COMPOSE)["services"]["grafana"]
    assert grafana["entrypoint"] == ["/bin/sh", "-c"]
    script = grafana["command"][0].replace("$$", "$").replace("exec /run.sh", "echo started")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    if password is not None:
        env["GF_SECURITY_ADMIN_PASSWORD"] = password
    return subprocess.run(
        ["/bin/sh", "-c", script], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.parametrize("password", [None, "", "admin"])
def test_grafana_refuses_to_start_without_a_real_password(password: str | None) -> None:
    result = grafana_gate(password)
    assert result.returncode != 0
    assert "GRAFANA_ADMIN_PASSWORD" in result.stderr
    assert "started" not in result.stdout


def test_grafana_starts_with_a_password() -> None:
    result = grafana_gate("a-long-random-password")
    assert (result.returncode, result.stdout.strip()) == (0, "started")


def test_grafana_has_no_default_password() -> None:
    env = load(COMPOSE)["services"]["grafana"]["environment"]
    assert env["GF_SECURITY_ADMIN_PASSWORD"] == "${GRAFANA_ADMIN_PASSWORD:-}"


def test_secrets_override_gives_the_notifier_files_only() -> None:
    override = load(SECRETS_OVERRIDE)
    notifier = override["services"]["notifier"]
    assert set(override["services"]) == {"notifier"}
    for name, path in notifier["environment"].items():
        assert name.endswith("_FILE")
        assert name.removesuffix("_FILE") in SECRETS
        secret = path.removeprefix("/run/secrets/")
        assert secret in notifier["secrets"]
        assert override["secrets"][secret]["file"].startswith("./secrets/")


def test_example_channels_read_tokens_from_secret_files(tmp_path: Path) -> None:
    """What the notifier sees under the override: empty variables, `*_FILE` set."""
    config = tmp_path / "redflag.yaml"
    config.write_text(uncomment_optional_channels(EXAMPLE.read_text("utf-8")), "utf-8")
    notifier_env = load(SECRETS_OVERRIDE)["services"]["notifier"]["environment"]
    env = {"TELEGRAM_CHAT_ID": TEST_ENV["TELEGRAM_CHAT_ID"]}
    for name, in_container in notifier_env.items():
        secret = tmp_path / Path(in_container).name
        secret.write_text(TEST_ENV[name.removesuffix("_FILE")] + "\n", "utf-8")
        env[name] = str(secret)
        env[name.removesuffix("_FILE")] = ""  # Compose passes ${VAR:-} as empty
    urls = {c.name: c.url.get_secret_value() for c in load_settings(config, env=env).channels}
    assert urls["slack"] == TEST_ENV["SLACK_WEBHOOK_URL"]
    assert TEST_ENV["TELEGRAM_BOT_TOKEN"] in urls["telegram"]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not on PATH")
def test_docker_compose_config_accepts_the_secrets_override() -> None:
    result = docker_compose_config(SECRETS_OVERRIDE)
    assert result.returncode == 0, result.stderr
    notifier = yaml.safe_load(result.stdout)["services"]["notifier"]
    assert notifier["read_only"] is True
    assert notifier["environment"]["SLACK_WEBHOOK_URL_FILE"] == "/run/secrets/slack_webhook_url"
