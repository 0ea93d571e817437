"""Config: YAML + env overrides + ${VAR} references, and errors that name the field's path."""

from pathlib import Path

import pytest

from services.app.settings import load_settings
from services.core.settings import ConfigError

SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "redflag.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_settings(path, env=env or {})
    return info.value.problems


def test_full_config_loads_with_durations_and_env_refs(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
state_dir: /var/lib/redflag
feeds:
  - {{name: nhtsa, url: "https://example.org/rss", interval: 5m}}
watchlist:
  - {{company: Xiaomi, tickers: [1810.HK], aliases: [小米]}}
channels:
  - {{name: desk, url: "{SLACK}", events: [recall], min_confidence: 0.7}}
  - {{name: tg, url: "${{TG_URL}}"}}
kafka: {{bootstrap_servers: "kafka:9092", topics: {{articles: a.b}}}}
""",
    )
    settings = load_settings(path, env={"TG_URL": "tgram://123:abc/456"})
    assert settings.feeds[0].interval == 300.0
    assert settings.watchlist[0].aliases == ("小米",)
    assert settings.channels[1].url.get_secret_value() == "tgram://123:abc/456"
    assert settings.kafka.topics.articles == "a.b"
    assert settings.kafka.topics.alerts == "redflag.alerts"
    assert str(settings.state_dir) == "/var/lib/redflag"


def test_env_vars_override_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "kafka: {bootstrap_servers: 'from-file:9092'}\n")
    monkeypatch.setenv("REDFLAG_KAFKA__BOOTSTRAP_SERVERS", "from-env:9092")
    monkeypatch.setenv("REDFLAG_KAFKA__ENABLE_IDEMPOTENCE", "false")
    settings = load_settings(path)
    assert settings.kafka.bootstrap_servers == "from-env:9092"
    assert settings.kafka.enable_idempotence is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"channels: [{{name: a, url: '{SLACK}'}}, {{name: b, url: 'slak://x/y'}}]",
            "channels[1].url: unknown apprise scheme 'slak'",
        ),
        ("channels: [{name: a, url: 'not a url'}]", "channels[0].url: not an apprise URL"),
        (
            f"channels: [{{name: a, url: '{SLACK}', events: [recal]}}]",
            "channels[0].events[0]: should be 'recall', 'crash' or 'target_change'",
        ),
        ("feeds: [{name: a, url: 'http://x', interval: soon}]", "feeds[0].interval: not a dur"),
        ("feeds: [{name: a}]", "feeds[0].url: required, but not set"),
        ("kafka: {partitions: 0}", "kafka.partitions: should be greater than 0, got 0"),
        ("bogus: 1", "bogus: unknown field"),
        ("channels: [{name: a, url: '${NOPE}'}]", "channels[0].url: environment variable NOPE"),
        ("feeds: [a, b", "line 1, column"),
        ("- just\n- a list\n", "(root): expected a mapping"),
    ],
)
def test_errors_name_the_path(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(write(tmp_path, text))
    assert any(p.startswith(expected) or expected in p for p in found), found


def test_every_problem_is_listed(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "bogus: 1\nkafka: {partitions: 0}\nfeeds: [{name: a}]\n"))
    assert len(found) == 3


def test_default_value_in_env_reference(tmp_path: Path) -> None:
    path = write(tmp_path, "kafka: {bootstrap_servers: '${BROKER:-localhost:9092}'}\n")
    assert load_settings(path, env={}).kafka.bootstrap_servers == "localhost:9092"
    assert load_settings(path, env={"BROKER": "k:1"}).kafka.bootstrap_servers == "k:1"
    assert load_settings(path, env={"BROKER": ""}).kafka.bootstrap_servers == "localhost:9092"


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    assert problems(tmp_path / "absent.yaml")[0].startswith("cannot read config file")


def test_secrets_from_files_named_by_var_file(tmp_path: Path) -> None:
    """Docker secrets: `${SLACK_URL}` reads the file `$SLACK_URL_FILE` names (issue 11)."""
    secret = tmp_path / "slack_url"
    secret.write_text(SLACK + "\n", encoding="utf-8")
    path = write(tmp_path, "channels: [{name: s, url: '${SLACK_URL}'}]\n")
    for env in ({"SLACK_URL_FILE": str(secret)}, {"SLACK_URL": "", "SLACK_URL_FILE": str(secret)}):
        [channel] = load_settings(path, env=env).channels
        assert channel.url.get_secret_value() == SLACK
    direct = {"SLACK_URL": "slack://a/b/c", "SLACK_URL_FILE": str(secret)}
    assert load_settings(path, env=direct).channels[0].url.get_secret_value() == "slack://a/b/c"


def test_an_unreadable_secret_file_is_named_not_quoted(tmp_path: Path) -> None:
    path = write(tmp_path, "channels: [{name: s, url: '${SLACK_URL}'}]\n")
    [problem] = problems(path, {"SLACK_URL_FILE": str(tmp_path / "absent")})
    assert problem.startswith("channels[0].url: SLACK_URL_FILE: cannot read ")
    assert "absent" in problem
