"""Config of the notifier: channels (apprise URLs) and their routing rules."""

import re

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from schemas.alert import EventType

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
#: Built-in pseudo-channels that are not apprise services.
LOCAL_SCHEMES = frozenset({"console"})


def apprise_schemes() -> frozenset[str]:
    """Every URL scheme the installed apprise can deliver to."""
    from apprise.manager_plugins import NotificationManager  # noqa: PLC0415 - slow import

    return frozenset(s.lower() for s in NotificationManager().schemas())


class ChannelConfig(BaseModel):
    """One destination and the alerts it wants."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    url: SecretStr = Field(description="apprise URL; carries tokens, so never logged in clear.")
    events: tuple[EventType, ...] = ("recall", "crash", "target_change")
    watchlist_only: bool = False
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)

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


class NotifierSettings(BaseModel):
    """Delivery behaviour shared by every channel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_attempts: int = Field(default=5, ge=1)
    backoff_base: float = Field(default=1.0, gt=0)
    backoff_max: float = Field(default=60.0, gt=0)
