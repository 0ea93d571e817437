"""Config of the poller: the feeds and how politely to poll them."""

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from services.core.durations import PositiveSeconds


class FeedConfig(BaseModel):
    """One feed to watch."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    url: str = Field(min_length=1, description="http(s)://, file:// or a local path.")
    interval: PositiveSeconds | None = Field(
        default=None, description="Seconds between polls; the poller default when unset."
    )
    lang: str | None = Field(default=None, description="Language when the feed does not say.")
    enabled: bool = True


class PollerSettings(BaseModel):
    """Scheduling and HTTP limits shared by every feed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default_interval: PositiveSeconds = 300.0
    min_interval: PositiveSeconds = 30.0
    max_interval: PositiveSeconds = 3600.0
    concurrency: PositiveInt = 100
    per_host: PositiveInt = 4
    max_body_bytes: PositiveInt = 10 * 1024 * 1024
    connect_timeout: PositiveSeconds = 10.0
    read_timeout: PositiveSeconds = 30.0
    total_timeout: PositiveSeconds = 60.0
    max_redirects: PositiveInt = 5
    unhealthy_after: PositiveInt = 5
    seen_ttl: PositiveSeconds = Field(
        default=30 * 86400.0, description="How long an article id is remembered."
    )
    max_future_skew: PositiveSeconds = Field(
        default=86400.0, description="Dates further ahead than this are treated as unknown."
    )
