"""The one config: a YAML file, overridden by `REDFLAG_...` env vars, validated once.

Load with `load_settings(path)`; errors come back as `ConfigError` whose lines name
the exact path of each bad field (`channels[1].url: unknown apprise scheme 'slak'`).
"""

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from services.classifier.config import ClassifierSettings, Company
from services.notifier.config import ChannelConfig, NotifierSettings
from services.poller.config import FeedConfig, PollerSettings

CONFIG_ENV = "REDFLAG_CONFIG"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class Topics(BaseModel):
    """Kafka topic names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    articles: str = "redflag.articles"
    alerts: str = "redflag.alerts"
    deadletter: str = "redflag.deadletter"


class Groups(BaseModel):
    """Kafka consumer group ids, one per consuming stage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    classifier: str = "redflag-classifier"
    notifier: str = "redflag-notifier"


class KafkaSettings(BaseModel):
    """How the Kafka runner reaches the cluster."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bootstrap_servers: str = "localhost:9092"
    client_id: str = "redflag"
    topics: Topics = Topics()
    groups: Groups = Groups()
    partitions: PositiveInt = Field(
        default=6, description="Partitions when redflag creates topics."
    )
    create_topics: bool = True
    enable_idempotence: bool = Field(
        default=True,
        description="Idempotent producer; turn off for brokers without InitProducerId.",
    )
    session_timeout_ms: PositiveInt = 10_000
    heartbeat_interval_ms: PositiveInt = 3_000
    max_batch: PositiveInt = 500


class MetricsSettings(BaseModel):
    """Where `/metrics` (Prometheus text) is served; off unless `listen` is set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    listen: str | None = Field(default=None, description="host:port, e.g. '0.0.0.0:9464'.")


class LogSettings(BaseModel):
    """Logging: level and renderer (`auto` = console on a TTY, JSON otherwise)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Literal["debug", "info", "warning", "error"] = "info"
    format: Literal["auto", "console", "json"] = "auto"


class Settings(BaseSettings):
    """The whole of redflag's configuration."""

    model_config = SettingsConfigDict(
        env_prefix="REDFLAG_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    state_dir: Path = Path("state")
    feeds: tuple[FeedConfig, ...] = ()
    watchlist: tuple[Company, ...] = ()
    channels: tuple[ChannelConfig, ...] = ()
    kafka: KafkaSettings = KafkaSettings()
    poller: PollerSettings = PollerSettings()
    classifier: ClassifierSettings = ClassifierSettings()
    notifier: NotifierSettings = NotifierSettings()
    log: LogSettings = LogSettings()
    metrics: MetricsSettings = MetricsSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Env vars win over the file (passed in as init values)."""
        return (env_settings, init_settings)


class ConfigError(Exception):
    """A config that cannot be used; `problems` holds one 'path: message' line each."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def field_path(loc: Iterable[int | str]) -> str:
    """('channels', 1, 'url') -> 'channels[1].url'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(root)"


def env_value(name: str, env: Mapping[str, str], where: str = "") -> str | None:
    """`$name`, else the content of the file `$name_FILE` names (Docker secrets, mounted at
    /run/secrets/...; one trailing newline dropped), else None. A set but empty `$name`
    yields to the file: Compose passes `${VAR:-}` through as empty."""
    value = env.get(name)
    path = env.get(f"{name}_FILE")
    if value or not path:
        return value
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:  # the message names the file, never its content
        raise ConfigError(
            "", [f"{where}: {name}_FILE: cannot read {path}: {exc.strerror}"]
        ) from None
    return text.removesuffix("\n").removesuffix("\r")


def expand_env(value: Any, env: Mapping[str, str], path: tuple[int | str, ...] = ()) -> Any:
    """Replace `${VAR}` and `${VAR:-default}` in every string (VAR may come from the file
    `$VAR_FILE` names); a missing VAR is an error."""
    if isinstance(value, str):

        def sub(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            found = env_value(name, env, field_path(path))
            if default is not None:  # POSIX `:-`: the default also replaces an empty value
                return found or default
            if found is not None:
                return found
            raise ConfigError("", [f"{field_path(path)}: environment variable {name} is not set"])

        return _ENV_REF.sub(sub, value)
    if isinstance(value, dict):
        return {k: expand_env(v, env, (*path, str(k))) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_env(v, env, (*path, i)) for i, v in enumerate(value)]
    return value


def read_config_file(path: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """Parse the YAML file and expand env references; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot read config file: {exc.strerror}"]) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(str(path), [f"{where}invalid YAML: {problem}"]) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(str(path), ["(root): expected a mapping of sections"])
    try:
        expanded: dict[str, Any] = expand_env(data, env)
    except ConfigError as exc:
        raise ConfigError(str(path), exc.problems) from exc
    return expanded


def config_path(explicit: str | os.PathLike[str] | None) -> Path | None:
    """The config file to use: `--config`, else `$REDFLAG_CONFIG`, else none."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else None


def load_settings(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Load and validate the config; raises `ConfigError` listing every problem."""
    env = os.environ if env is None else env
    resolved = config_path(path)
    source = str(resolved) if resolved else "environment"
    data = read_config_file(resolved, env) if resolved else {}
    try:
        return Settings(**data)
    except ValidationError as exc:
        problems = [f"{field_path(err['loc'])}: {_message(err)}" for err in exc.errors()]
        raise ConfigError(source, problems) from exc


def _message(err: Any) -> str:
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "unknown field"
    return msg
