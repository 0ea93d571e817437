"""The shipped deployment files: the example config validates and covers what it promises,
the Compose file wires the stages the way docs/deploy.md says, the image is built as designed."""

import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from services.app.settings import Settings, load_settings
from services.core.settings import ConfigError, KafkaSettings
from services.notifier.config import NotifierSettings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
EXAMPLE = DEPLOY / "config" / "redflag.example.yaml"
COMPOSE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
CONSTRAINTS = ROOT / "constraints.txt"

STAGES = ("poller", "classifier", "notifier")
STATE_DIR = "/var/lib/redflag"
CONFIG_IN_IMAGE = "/etc/redflag/redflag.yaml"
SECRETS = ("SLACK_WEBHOOK_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID")
#: Test values for every variable the example config may reference.
TEST_ENV = {
    "SLACK_WEBHOOK_URL": "slack://T000/B000/XXXXXXXXXXXX",
    "TELEGRAM_BOT_TOKEN": "123456789:AAtesttokentesttokentesttokentest",
    "TELEGRAM_CHAT_ID": "-1001234567890",
}
REGULATOR_HOSTS = ("cpsc.gov", "fda.gov", "fsis.usda.gov", "nhtsa.gov", "nhtsa.dot.gov", "gov.uk")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")
_OPTIONAL_BLOCK = re.compile(
    r"^[ \t]*# >>> optional channels.*?$\n(?P<body>.*?)^[ \t]*# <<< optional channels.*?$",
    re.MULTILINE | re.DOTALL,
)


@pytest.fixture(autouse=True)
def _no_redflag_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """REDFLAG_* in the developer's shell would override the file under test."""
    for name in list(os.environ):
        if name.startswith("REDFLAG_"):
            monkeypatch.delenv(name)


def uncomment_optional_channels(text: str) -> str:
    """The example with its commented-out channel entries switched on."""
    match = _OPTIONAL_BLOCK.search(text)
    assert match, "the optional-channels markers are missing from the example config"
    body = re.sub(r"^([ \t]*)# ?", r"\1", match.group("body"), flags=re.MULTILINE)
    return text[: match.start("body")] + body + text[match.end("body") :]


def env_refs(value: Any) -> Iterator[str]:
    """Names of the variables referenced in the strings of a parsed YAML document."""
    if isinstance(value, str):
        yield from _ENV_REF.findall(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from env_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from env_refs(item)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(EXAMPLE, env=TEST_ENV)


@pytest.fixture
def with_channels(tmp_path: Path) -> Path:
    path = tmp_path / "redflag.yaml"
    path.write_text(uncomment_optional_channels(EXAMPLE.read_text("utf-8")), "utf-8")
    return path


# --- the example config -------------------------------------------------------------------------


def test_example_validates(settings: Settings) -> None:
    assert settings.feeds
    assert settings.watchlist
    assert settings.channels


def test_example_references_only_known_variables(with_channels: Path) -> None:
    refs = set(env_refs(yaml.safe_load(with_channels.read_text("utf-8"))))
    assert refs <= set(TEST_ENV), f"give these a test value in TEST_ENV: {refs - set(TEST_ENV)}"
    assert refs <= env_example_names(), "document these in deploy/.env.example"


def env_example_names() -> set[str]:
    """Variables deploy/.env.example documents."""
    names = set()
    for line in ENV_EXAMPLE.read_text("utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            names.add(line.split("=", 1)[0].strip())
    return names


def test_optional_channels_validate_when_uncommented(with_channels: Path) -> None:
    names = [c.name for c in load_settings(with_channels, env=TEST_ENV).channels]
    assert {"slack", "telegram"} <= set(names)


def test_optional_channel_without_its_secret_fails_loudly(with_channels: Path) -> None:
    # What the notifier sees when deploy/.env leaves SLACK_WEBHOOK_URL empty.
    env = {**TEST_ENV, "SLACK_WEBHOOK_URL": ""}
    with pytest.raises(ConfigError) as info:
        load_settings(with_channels, env=env)
    assert any(p.startswith("channels[1].url") for p in info.value.problems)


def test_stages_without_secrets_start_with_channels_blanked(with_channels: Path) -> None:
    # The poller and classifier get no secrets and REDFLAG_CHANNELS="[]" (docker-compose.yml).
    assert load_settings(with_channels, env={"REDFLAG_CHANNELS": "[]"}).channels == ()


def test_watchlist_has_at_least_50_companies_each_with_a_ticker(settings: Settings) -> None:
    assert len(settings.watchlist) >= 50
    assert [c.company for c in settings.watchlist if not c.tickers] == []


def test_watchlist_names_and_tickers_are_unique(settings: Settings) -> None:
    names = [c.company.lower() for c in settings.watchlist]
    tickers = [t for c in settings.watchlist for t in c.tickers]
    assert len(names) == len(set(names))
    assert len(tickers) == len(set(tickers))


@pytest.mark.parametrize(
    ("company", "alias"),
    [
        ("BYD", "比亚迪"),
        ("Xiaomi", "小米"),
        ("NIO", "蔚来"),
        ("XPeng", "小鹏"),
        ("Li Auto", "理想汽车"),
        ("Geely Automobile", "吉利"),
        ("Tesla", "特斯拉"),
        ("Toyota Motor", "丰田"),
        ("Honda Motor", "本田"),
        ("Volkswagen", "大众汽车"),
        ("BMW", "宝马"),
        ("Boeing", "波音"),
        ("Airbus", "空客"),
    ],
)
def test_chinese_alias(settings: Settings, company: str, alias: str) -> None:
    by_name = {c.company: c for c in settings.watchlist}
    assert alias in by_name[company].aliases


def test_every_mainland_or_hong_kong_listing_has_a_chinese_alias(settings: Settings) -> None:
    chinese = [
        c for c in settings.watchlist if any(t.endswith((".HK", ".SS", ".SZ")) for t in c.tickers)
    ]
    assert len(chinese) >= 15
    assert [c.company for c in chinese if not any(_CJK.search(a) for a in c.aliases)] == []


def test_every_feed_url_is_http(settings: Settings) -> None:
    for feed in settings.feeds:
        url = urlparse(feed.url)
        assert url.scheme in {"http", "https"}, feed.name
        assert url.netloc, feed.name


def test_feed_names_are_unique(settings: Settings) -> None:
    names = [f.name for f in settings.feeds]
    assert len(names) == len(set(names))


def test_has_an_enabled_recall_regulator_feed(settings: Settings) -> None:
    hosts = [urlparse(f.url).hostname or "" for f in settings.feeds if f.enabled]
    assert any(h == r or h.endswith("." + r) for h in hosts for r in REGULATOR_HOSTS)


def test_has_an_enabled_chinese_feed(settings: Settings) -> None:
    assert any(f.enabled and (f.lang or "").startswith("zh") for f in settings.feeds)


# --- docker-compose.yml ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text("utf-8"))
    return data


def docker_compose_config(*files: Path) -> subprocess.CompletedProcess[str]:
    """`docker-compose -f ... config` over COMPOSE and `files`, with no secret set."""
    env = {k: v for k, v in os.environ.items() if k not in SECRETS and not k.startswith("COMPOSE_")}
    args = [arg for path in (COMPOSE, *files) for arg in ("-f", str(path))]
    return subprocess.run(
        ["docker-compose", *args, "config"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not on PATH")
def test_docker_compose_config_passes_with_no_secrets_set() -> None:
    result = docker_compose_config()
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert {"kafka", "kafka-init", *STAGES} <= set(services)


def test_kafka_is_kraft_with_a_health_check(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert kafka["image"].split(":", 1)[1] not in {"", "latest"}
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]
    assert "PLAINTEXT://kafka:9092" in kafka["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert "kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])


def test_kafka_init_creates_the_configured_topics(compose: dict[str, Any]) -> None:
    init = compose["services"]["kafka-init"]
    kafka = KafkaSettings()
    topics = init["environment"]["TOPICS"].split()
    state = init["environment"]["STATE_TOPICS"].split()
    assert sorted(topics + state) == sorted(kafka.topics.model_dump().values())
    assert state == [kafka.topics.notifier_state, kafka.topics.sender_state]
    days = int(init["environment"]["STATE_RETENTION_MS"]) / 86_400_000
    assert days == NotifierSettings().log_retention / 86400  # compacted as long as rows live
    assert int(init["environment"]["PARTITIONS"]) == kafka.partitions
    script = " ".join(init["command"])
    assert "kafka-topics.sh" in script
    assert "--if-not-exists" in script
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"


@pytest.mark.parametrize("stage", STAGES)
def test_stage_service(compose: dict[str, Any], stage: str) -> None:
    service = compose["services"][stage]
    assert service["command"] == [stage]
    assert service["image"] == "redflag:latest"
    assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
    assert service["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert service["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
    assert service["healthcheck"]["test"] == ["CMD", "redflag", "health", "--ready"]
    assert service["restart"] == "unless-stopped"
    assert service.get("user") in {None, *dockerfile_users()}


@pytest.mark.parametrize("stage", STAGES)
def test_stage_environment_is_a_plain_mapping(compose: dict[str, Any], stage: str) -> None:
    env = compose["services"][stage]["environment"]
    assert isinstance(env, dict)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())
    assert env["REDFLAG_CONFIG"] == CONFIG_IN_IMAGE
    assert env["REDFLAG_KAFKA__BOOTSTRAP_SERVERS"] == "kafka:9092"


@pytest.mark.parametrize("stage", STAGES)
def test_stage_mounts_the_config_read_only_and_a_state_volume(
    compose: dict[str, Any], stage: str
) -> None:
    mounts = [v.split(":") for v in compose["services"][stage]["volumes"]]
    config = [m for m in mounts if m[1] == CONFIG_IN_IMAGE]
    assert len(config) == 1
    assert config[0][2:] == ["ro"]
    assert (DEPLOY / config[0][0]).resolve() == EXAMPLE
    state = [m for m in mounts if m[1] == STATE_DIR]
    assert len(state) == 1
    assert state[0][0] in compose["volumes"], "state should live in a named volume"


def test_each_stage_has_its_own_state_volume(compose: dict[str, Any]) -> None:
    volumes = [
        next(v.split(":")[0] for v in compose["services"][s]["volumes"] if STATE_DIR in v)
        for s in STAGES
    ]
    assert len(set(volumes)) == len(STAGES)


def test_only_the_notifier_gets_secrets(compose: dict[str, Any]) -> None:
    for stage in STAGES:
        env = compose["services"][stage]["environment"]
        if stage == "notifier":
            assert set(SECRETS) <= set(env)
        else:
            assert not set(SECRETS) & set(env)
            assert env["REDFLAG_CHANNELS"] == "[]"


def test_env_example_documents_every_interpolated_variable() -> None:
    text = COMPOSE.read_text("utf-8").replace("$$", "")
    assert set(_ENV_REF.findall(text)) <= env_example_names()


# --- Dockerfile and lock -----------------------------------------------------------------------


def dockerfile_users() -> list[str]:
    """The USER values of the Dockerfile's final stage."""
    final = DOCKERFILE.read_text("utf-8").rsplit("\nFROM ", 1)[1]
    return re.findall(r"^USER\s+(\S+)", final, flags=re.MULTILINE)


def test_image_runs_as_non_root() -> None:
    users = dockerfile_users()
    assert users
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


@pytest.mark.parametrize(
    "line",
    [
        'ENTRYPOINT ["redflag"]',
        'CMD ["run"]',
        'CMD ["redflag", "health"]',
        'VOLUME ["/var/lib/redflag"]',
        "REDFLAG_STATE_DIR=/var/lib/redflag",
        f"REDFLAG_CONFIG={CONFIG_IN_IMAGE}",
        "-c constraints.txt",
        "COPY --from=builder /opt/venv /opt/venv",
    ],
)
def test_dockerfile(line: str) -> None:
    text = DOCKERFILE.read_text("utf-8")
    assert line in text
    assert len(re.findall(r"^FROM ", text, flags=re.MULTILINE)) >= 2


def pins() -> dict[str, str]:
    """constraints.txt as {normalised name: version}."""
    out: dict[str, str] = {}
    for raw in CONSTRAINTS.read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            out[canonicalize_name(name)] = version.strip()
    return out


def test_constraints_pin_every_direct_dependency_within_range() -> None:
    pinned = pins()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    for spec in project["dependencies"]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in pinned, f"{name} is not pinned in constraints.txt"
        assert req.specifier.contains(pinned[name], prereleases=True), (name, pinned[name])


def test_constraints_pin_every_transitive_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    todo = [Requirement(spec) for spec in project["dependencies"]]
    todo = [r for r in todo if r.marker is None or r.marker.evaluate({"extra": ""})]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        req = todo.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            requires = metadata.requires(req.name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here; the image build's `pip check` still catches it
        for raw in requires:
            sub = Requirement(raw)
            extras = req.extras or {""}
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                todo.append(sub)
    assert sorted({name for name, _ in seen} - set(pins())) == []
