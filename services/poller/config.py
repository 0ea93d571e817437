"""Config of the poller: the feeds and how politely to poll them."""

import re
from pathlib import Path
from typing import Literal, Protocol, Self
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from schemas.limits import MAX_NAME, MAX_URL
from services.core.durations import PositiveSeconds, Seconds
from services.core.langcodes import check_lang
from services.core.settings import KafkaSettings

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
FEED_SCHEMES = ("http", "https", "file")


def check_feed_url(value: str) -> str:
    """An http(s) URL with a host, a file:// URL, or a local path; ValueError naming it if not."""
    value = value.strip()
    match = _SCHEME.match(value)
    if match and len(match.group(1)) > 1:  # 'C:\feeds' is a Windows path, not a scheme
        scheme = match.group(1).lower()
        if scheme not in FEED_SCHEMES:
            near = [s for s in ("https", "http") if set(s) >= set(scheme) or set(scheme) >= set(s)]
            hint = f" (did you mean {near[0]}://?)" if near else ""
            raise ValueError(
                f"unsupported scheme {scheme!r} in {value!r}{hint}: "
                "feeds are http(s)://, file:// URLs or local paths"
            )
        parts = urlsplit(value)
        if scheme != "file" and not parts.hostname:
            raise ValueError(f"{value!r} names no host")
        return value
    if any(c.isspace() for c in value) and not value.startswith(("/", "./", "../", "~")):
        raise ValueError(
            f"{value!r} is neither a URL nor a path: feeds are http(s)://, file:// URLs or "
            "local paths (write ./name for a relative path with spaces)"
        )
    return value


class FeedConfig(BaseModel):
    """One feed to watch."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=MAX_NAME)
    url: str = Field(
        min_length=1, max_length=MAX_URL, description="http(s)://, file:// or a local path."
    )
    interval: PositiveSeconds | None = Field(
        default=None, description="Seconds between polls; the poller default when unset."
    )
    lang: str | None = Field(default=None, description="Language when the feed does not say.")
    enabled: bool = True
    allow_private: bool = Field(
        default=False,
        description="The feed's own host may be a loopback/private address (an intranet "
        "feed); redirects to other hosts are still held to the public policy.",
    )
    allow_http_hub: bool = Field(
        default=False,
        description="Subscribe at a plain-http WebSub hub (its secret then crosses the "
        "network in clear); https hubs only otherwise.",
    )

    _url = field_validator("url")(check_feed_url)

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str | None) -> str | None:
        return None if value is None else check_lang(value)


class WebSubSettings(BaseModel):
    """WebSub (W3C Recommendation 2018): pushes from hubs that feeds advertise; off by default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8089, ge=0, le=65535)
    callback_base_url: str = Field(
        default="", description="Public base URL hubs call back, e.g. https://poller.example.com."
    )
    lease_seconds: PositiveInt = 86400 * 5
    allow_private_hubs: bool = Field(
        default=False, description="Subscribe to hubs on loopback/private addresses (labs)."
    )


class PollerSettings(BaseModel):
    """Scheduling and HTTP limits shared by every feed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default_interval: PositiveSeconds = 300.0
    min_interval: PositiveSeconds = 30.0
    max_interval: PositiveSeconds = 3600.0

    @field_validator("max_interval")
    @classmethod
    def _not_below_min(cls, value: float, info: ValidationInfo) -> float:
        # a field check, not a model check: it runs even when another field is wrong
        low = info.data.get("min_interval")
        if low is not None and low > value:
            raise ValueError(f"must not be below min_interval ({low:g}s), got {value:g}s")
        return value

    concurrency: PositiveInt = 100
    per_host: PositiveInt = 4
    max_body_bytes: PositiveInt = 10 * 1024 * 1024
    connect_timeout: PositiveSeconds = 10.0
    read_timeout: PositiveSeconds = 30.0
    total_timeout: PositiveSeconds = 60.0
    max_redirects: PositiveInt = 5
    allow_private_feeds: bool = Field(
        default=False,
        description="Lab setups: every feed and redirect may reach loopback/private "
        "addresses. Prefer a feed's own `allow_private`.",
    )
    move_after_polls: PositiveInt = Field(
        default=3, description="A permanent redirect moves a feed after this many polls..."
    )
    move_after: PositiveSeconds = Field(
        default=86400.0, description="...seen over at least this long (RFC 9110 15.4.2)."
    )
    unhealthy_after: PositiveInt = 5
    seen_ttl: PositiveSeconds = Field(
        default=30 * 86400.0, description="How long an article id is remembered."
    )
    max_age: PositiveSeconds | None = Field(
        default=None,
        description="Entries published longer ago are remembered but not published: a new "
        "feed's backlog is not news. None publishes everything; keep it above the longest "
        "outage you want to catch up on.",
    )
    max_future_skew: PositiveSeconds = Field(
        default=86400.0, description="Dates further ahead than this are treated as unknown."
    )
    jitter: float = Field(
        default=0.1, ge=0, le=0.5, description="Each delay is spread by +/- this fraction."
    )
    adaptive: bool = Field(
        default=False, description="Poll busy feeds more often: 7 days / entries of last week."
    )
    parse_workers: PositiveInt | None = Field(
        default=None, description="Parser processes; the number of cores when unset."
    )
    parse_timeout: PositiveSeconds = 20.0
    parse_memory_mb: PositiveInt = Field(
        default=1024, description="Address-space cap of each parser process."
    )
    max_entries: PositiveInt = Field(
        default=5000, description="Entries read per poll; the rest of a huge feed is dropped."
    )
    shutdown_grace: Seconds = Field(
        default=15.0, description="How long a stop waits for polls in hand before cancelling."
    )
    assignment: Literal["static", "kafka"] = Field(
        default="static",
        description="How replicas share the feeds: `static` by replica_index/replica_count; "
        "`kafka` (Kafka runner) by the group's assignment of `feeds_topic` partitions, "
        "rebalanced when a replica joins or leaves.",
    )
    replica_index: int = Field(default=0, ge=0, description="This replica, 0-based (static).")
    replica_count: PositiveInt = Field(
        default=1, description="Replicas sharing the feeds by rendezvous hashing of their URLs."
    )
    feeds_topic: str = Field(
        default="redflag.poller-slots",
        min_length=1,
        description="Topic whose partitions are the slots replicas share (kafka); never read.",
    )
    slots: PositiveInt = Field(
        default=64, description="Partitions of feeds_topic: the upper bound on useful replicas."
    )
    group: str = Field(default="redflag-poller", min_length=1, description="Group id (kafka).")
    websub: WebSubSettings = WebSubSettings()

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.assignment == "kafka" and self.replica_count != 1:
            raise ValueError("replica_count applies to static assignment only; leave it at 1")
        if self.replica_index >= self.replica_count:
            raise ValueError(
                f"replica_index {self.replica_index} must be below replica_count "
                f"{self.replica_count}"
            )
        return self


class Settings(Protocol):
    """What the poller reads of redflag's config (services/app/settings.py has it all)."""

    @property
    def state_dir(self) -> Path: ...

    @property
    def feeds(self) -> tuple[FeedConfig, ...]: ...

    @property
    def poller(self) -> PollerSettings: ...

    @property
    def kafka(self) -> KafkaSettings: ...
