"""Config of the classifier: the watchlist of companies to name and route on."""

from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from services.core.settings import KafkaSettings


class Company(BaseModel):
    """A watched company: its name, tickers and the other names news uses for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    company: str = Field(min_length=1)
    tickers: tuple[str, ...] = ()
    aliases: tuple[str, ...] = Field(
        default=(), description="Other names, brands and Chinese names (e.g. 小米)."
    )


class ClassifierSettings(BaseModel):
    """Thresholds of the classifier."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)


class Settings(Protocol):
    """What the classifier reads of redflag's config (services/app/settings.py has it all)."""

    @property
    def watchlist(self) -> tuple[Company, ...]: ...

    @property
    def classifier(self) -> ClassifierSettings: ...

    @property
    def kafka(self) -> KafkaSettings: ...
