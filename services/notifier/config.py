"""Config of the notifier: channels (apprise URLs), their routing rules, pacing and quiet hours."""

import re
from datetime import time
from pathlib import Path
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, SecretStr, field_validator

from schemas.alert import EventType
from services.core.durations import PositiveSeconds
from services.core.settings import KafkaSettings

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*\.?\d*)\s*(ms|s|sec|m|min|h)\s*$")
_RATE_UNITS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
#: What a channel gets for later reports of an event (issue #12): thread replies and UPDATEs,
#: only UPDATEs, or every report as its own alert (the behaviour before events).
ReportsMode = Literal["thread", "update_only", "every_report"]
#: Built-in pseudo-channels that are not apprise services.
LOCAL_SCHEMES = frozenset({"console"})


def apprise_schemes() -> frozenset[str]:
    """Every URL scheme the installed apprise can deliver to."""
    from apprise.manager_plugins import NotificationManager  # noqa: PLC0415 - slow import

    manager = NotificationManager()  # type: ignore[no-untyped-call]
    return frozenset(s.lower() for s in manager.schemas())  # type: ignore[no-untyped-call]


def parse_rate(value: str) -> tuple[int, float] | None:
    """'20/min' -> (20, 60.0); 'off' -> None (no limit)."""
    if value.strip().lower() in {"off", "none", "unlimited"}:
        return None
    match = _RATE.match(value)
    if not match:
        raise ValueError(f"not a rate: {value!r} (use e.g. '1/s', '20/min', '5/2s' or 'off')")
    count, span, unit = int(match.group(1)), match.group(2), match.group(3)
    seconds = float(span or 1) * _RATE_UNITS[unit]
    if count < 1 or seconds <= 0:
        raise ValueError(f"not a rate: {value!r} (count and period must be positive)")
    return count, seconds


class FactThresholds(BaseModel):
    """Minimum figures an alert must carry; each applies only to the event type that has it.

    `units` gates recalls, `fatalities`/`injuries` gate crashes, `change_pct` gates target
    changes. An alert whose event lacks the gated figure does not pass.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    units: int | None = Field(default=None, ge=0)
    fatalities: int | None = Field(default=None, ge=0)
    injuries: int | None = Field(default=None, ge=0)
    change_pct: float | None = Field(default=None, ge=0)


class QuietHours(BaseModel):
    """A daily window (local time) in which only critical alerts are sent; the rest wait."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: time
    end: time
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class DigestConfig(BaseModel):
    """Gather non-critical alerts into one message every `every` (e.g. '30m')."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    every: PositiveSeconds = 1800.0
    max_items: PositiveInt = 25


class ChannelConfig(BaseModel):
    """One destination and the alerts it wants."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    url: SecretStr = Field(description="apprise URL; carries tokens, so never logged in clear.")
    events: tuple[EventType, ...] = ("recall", "crash", "target_change")
    watchlist_only: bool = False
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    companies: tuple[str, ...] = Field(
        default=(), description="Only these companies (case-insensitive); empty = any."
    )
    tickers: tuple[str, ...] = Field(default=(), description="Only these tickers; empty = any.")
    languages: tuple[str, ...] = Field(
        default=(), description="Only articles in these languages ('en' matches 'en-GB')."
    )
    min_facts: FactThresholds = FactThresholds()
    quiet_hours: QuietHours | None = None
    digest: DigestConfig | None = None
    rate_limit: str | None = Field(
        default=None, description="Override the service's pacing, e.g. '1/s', '20/min', 'off'."
    )
    reports: ReportsMode = Field(
        default="thread",
        description="Later reports of an event: 'thread' (replies under the first alert where "
        "the chat allows, UPDATEs for material changes), 'update_only' (UPDATEs only) or "
        "'every_report' (each report its own alert).",
    )
    max_delay: PositiveSeconds | None = Field(
        default=None,
        description="Keep retrying a delivery this long after its first try (e.g. '1h'), "
        "then dead-letter it; default: notifier.max_delay.",
    )

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value().strip()
        match = _SCHEME.match(raw)
        if not match:
            raise ValueError("not an apprise URL (expected scheme://...)")
        scheme = match.group(1).lower()
        if scheme not in LOCAL_SCHEMES and scheme not in apprise_schemes():
            raise ValueError(f"unknown apprise scheme '{scheme}'")
        return value

    @field_validator("rate_limit")
    @classmethod
    def _valid_rate(cls, value: str | None) -> str | None:
        if value is not None:
            parse_rate(value)
        return value


def _http_base(value: str) -> str:
    if not re.match(r"^https?://[^/\s]+", value):
        raise ValueError(f"not an http(s) base URL: {value!r}")
    return value.rstrip("/")


class Endpoints(BaseModel):
    """Where the APIs redflag speaks itself live: GovSlack, a local Bot API server, a proxy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slack_hooks: str = Field(default="https://hooks.slack.com", description="Incoming webhooks.")
    slack_api: str = Field(default="https://slack.com/api", description="Slack's Web API.")
    telegram: str = Field(default="https://api.telegram.org", description="Telegram Bot API.")

    _bases = field_validator("slack_hooks", "slack_api", "telegram")(_http_base)


class NotifierSettings(BaseModel):
    """Delivery behaviour shared by every channel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_delay: PositiveSeconds = Field(
        default=3600.0,
        description="Retry a delivery until this long after its first try, then dead-letter "
        "it (a channel's own max_delay overrides). A 429 waits the Retry-After it names; 5xx "
        "and timeouts back off 1, 2, 4 ... backoff_max seconds; a request the service refuses "
        "(other 4xx) is dead-lettered at once.",
    )
    max_attempts: int | None = Field(
        default=None,
        ge=1,
        description="Optional extra cap: dead-letter after this many tries even before "
        "max_delay. Unset (default): max_delay alone decides.",
    )
    backoff_base: PositiveSeconds = 1.0
    request_timeout: PositiveSeconds = Field(
        default=10.0, description="How long one Slack or Telegram request may take."
    )
    endpoints: Endpoints = Endpoints()
    backoff_max: PositiveSeconds = Field(
        default=5.0,
        description="Longest wait between retries: a recovery is noticed within about this "
        "long (+25% jitter).",
    )
    delayed_after: PositiveSeconds = Field(
        default=60.0,
        description="An alert delivered this long after the classifier flagged it (else "
        "after its first try) says 'delayed N min'.",
    )
    ops_channel: str | None = Field(
        default=None,
        description="A configured channel that gets a short notice for every dead-lettered "
        "delivery (its own dead-letters are only logged).",
    )
    claim_lease: PositiveSeconds = Field(
        default=300.0,
        description="How long another replica's unconfirmed send is trusted to be in progress.",
    )
    pacing: bool = Field(
        default=True, description="Pace each destination at its service's rate limits."
    )
    max_pending: PositiveInt = Field(
        default=5000, description="Alerts in flight before the notifier stops reading more."
    )
    on_uncertain: Literal["skip", "resend"] = Field(
        default="skip",
        description="An alert whose send began but was never confirmed (crash mid-send): "
        "'skip' never sends twice, 'resend' never loses one.",
    )
    changelog: bool = Field(
        default=True,
        description="On Kafka, keep the state per alerts partition in the changelog topic "
        "(kafka.topics.notifier_state), so a replica on any host takes a partition over with "
        "its history; false: the local file only (replicas must share one host's state_dir).",
    )
    deliveries_hop: bool = Field(
        default=True,
        description="On Kafka (with the changelog), route each alert to one message per channel "
        "on kafka.topics.deliveries (keyed by channel): the replica that owns a channel's "
        "partition sends it, so its rate limit and order hold across replicas. Ignored by the "
        "embedded runner (one process) and with changelog: false.",
    )
    log_retention: PositiveSeconds = Field(
        default=30 * 86400.0,
        description="Forget delivered alerts after this long; keep it above the topic's retention.",
    )
    critical_units: int = Field(default=100_000, ge=0, description="Recalls this big are critical.")
    critical_fatalities: int = Field(default=1, ge=0, description="Crashes this deadly: critical.")


class Settings(Protocol):
    """What the notifier reads of redflag's config (services/app/settings.py has it all)."""

    @property
    def state_dir(self) -> Path: ...

    @property
    def channels(self) -> tuple[ChannelConfig, ...]: ...

    @property
    def notifier(self) -> NotifierSettings: ...

    @property
    def kafka(self) -> KafkaSettings: ...
