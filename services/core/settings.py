"""Config as core knows it: the sections core itself uses (Kafka, metrics, logging) and the
loader every config goes through: a YAML file, overridden by `REDFLAG_...` env vars,
validated once. Errors come back as `ConfigError` whose lines name the exact path of each bad
field (`channels[1].url: unknown apprise scheme 'slak'`).

The whole config (`Settings`, made of every stage's section) lives above the stages, in
`services/app/settings.py`: core knows no stage.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    ValidationError,
    field_validator,
    model_validator,
)

from services.core.configenv import Loc, deep_merge, env_overrides, expand_env
from services.core.configerrors import describe, field_path
from services.core.hostport import split_hostport
from services.core.kafkatransport import KafkaSasl, KafkaTls

CONFIG_ENV = "REDFLAG_CONFIG"
M = TypeVar("M", bound=BaseModel)


class Topics(BaseModel):
    """Kafka topic names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    articles: str = "redflag.articles"
    alerts: str = "redflag.alerts"
    deadletter: str = "redflag.deadletter"
    notifier_state: str = Field(
        default="redflag.notifier-state",
        description="The notifier's state changelog (compacted, partitioned like alerts).",
    )
    deliveries: str = Field(
        default="redflag.deliveries",
        description="One message per (alert, channel), keyed by channel (notifier.deliveries_hop).",
    )
    sender_state: str = Field(
        default="redflag.notifier-sender-state",
        description="The notifier senders' delivery log (compacted, partitioned like deliveries).",
    )


class Groups(BaseModel):
    """Kafka consumer group ids, one per consuming stage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    classifier: str = "redflag-classifier"
    notifier: str = "redflag-notifier"
    sender: str = "redflag-notifier-sender"


class KafkaSettings(BaseModel):
    """How the Kafka runner reaches the cluster."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bootstrap_servers: str = "localhost:9092"
    client_id: str = "redflag"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl: KafkaSasl | None = None
    tls: KafkaTls = KafkaTls()
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
    group_instance_id: str | None = Field(
        default=None,
        min_length=1,
        description="Static group membership (KIP-345): a name stable across restarts and "
        "unique per replica; a restarted stage gets its partitions back without a rebalance.",
    )
    session_timeout_ms: PositiveInt = 10_000
    heartbeat_interval_ms: PositiveInt = 3_000
    max_batch: PositiveInt = 500
    connect_backoff_max_s: float = Field(
        default=30.0, gt=0, description="Longest wait between tries while the broker is down."
    )
    close_timeout_s: float = Field(
        default=3.0, gt=0, description="Bound on leaving the group at shutdown."
    )

    @model_validator(mode="after")
    def _sasl_matches_protocol(self) -> "KafkaSettings":
        uses_sasl = self.security_protocol.startswith("SASL_")
        if uses_sasl and self.sasl is None:
            raise ValueError(f"security_protocol {self.security_protocol} needs a sasl section")
        if not uses_sasl and self.sasl is not None:
            raise ValueError(f"sasl is set but security_protocol is {self.security_protocol}")
        return self


class MetricsSettings(BaseModel):
    """Where `/metrics` (Prometheus text) is served; off unless `listen` is set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    listen: str | None = Field(default=None, description="host:port, e.g. '0.0.0.0:9464'.")

    @field_validator("listen")
    @classmethod
    def _hostport(cls, value: str | None) -> str | None:
        if value is not None:
            split_hostport(value)
        return value


class LogSettings(BaseModel):
    """Logging: level and renderer (`auto` = console on a TTY, JSON otherwise)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Literal["debug", "info", "warning", "error"] = "info"
    format: Literal["auto", "console", "json"] = "auto"


class ConfigError(Exception):
    """A config that cannot be used; `problems` holds one 'path: message' line each."""

    def __init__(
        self, source: str, problems: list[str], data: Mapping[str, Any] | None = None
    ) -> None:
        self.source = source
        self.problems = problems
        self.data = data  # the config as read, for checks that can still run on its parts
        super().__init__(f"{source}: " + "; ".join(problems))


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse the YAML file; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), [f"cannot read config file: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), [f"not UTF-8 text (byte {exc.start})"]) from exc
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
    return data


def config_path(explicit: str | os.PathLike[str] | None) -> Path | None:
    """The config file to use: `--config`, else `$REDFLAG_CONFIG`, else none."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else None


def load_config(
    model: type[M],
    path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> M:
    """Load and validate a config of `model`'s shape: the YAML file (`${VAR}` expanded), then
    `REDFLAG_*` variables over it; raises `ConfigError` listing every problem at once."""
    env = os.environ if env is None else env
    resolved = config_path(path)
    source = str(resolved) if resolved else "environment"
    missing: dict[Loc, list[str]] = {}
    unreadable: list[str] = []
    data = expand_env(read_config_file(resolved), env, missing, unreadable) if resolved else {}
    overrides, problems = env_overrides(model, env)
    problems = (
        [
            f"{field_path(loc)}: environment variable {name} is not set"
            for loc, names in missing.items()
            for name in names
        ]
        + unreadable
        + problems
    )
    merged = deep_merge(data, overrides)
    problems += duplicate_names(merged)
    try:
        settings = model.model_validate(merged)
    except ValidationError as exc:
        # a field whose `${VAR}` was unset is reported once, as the unset variable
        unset = list(missing)
        problems += [
            describe(err, model)
            for err in exc.errors()
            if not any(tuple(err["loc"][: len(loc)]) == loc for loc in unset)
        ]
    if problems:
        raise ConfigError(source, list(dict.fromkeys(problems)), merged)  # once each, in order
    return settings


def duplicate_names(data: Mapping[str, Any]) -> list[str]:
    """Feeds and channels are told apart by name: a second one of the same name is an error."""
    problems = []
    for section in ("feeds", "channels"):
        entries = data.get(section)
        if not isinstance(entries, list):
            continue
        first: dict[str, int] = {}
        for i, entry in enumerate(entries):
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str):
                continue
            if name in first:
                problems.append(
                    f"{section}[{i}].name: {name!r} is already the name of "
                    f"{section}[{first[name]}]; names must be unique"
                )
            first.setdefault(name, i)
    return problems
