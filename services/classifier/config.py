"""Config of the classifier: the watchlist of companies to name and route on."""

from pydantic import BaseModel, ConfigDict, Field


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
