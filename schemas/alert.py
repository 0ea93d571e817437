"""`Event` (what the classifier finds) and `Alert` (an event bound to its article)."""

import hashlib
import json
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from schemas._base import Message
from schemas.limits import (
    MAX_ID,
    MAX_LANG,
    MAX_LINK,
    MAX_NAME,
    MAX_SOURCE,
    MAX_TITLE,
)

MAX_EVIDENCE = 1_000  # the classifier quotes at most 400 characters of a sentence
MAX_TERM = 200  # a company, a metric, a period, a currency
MAX_TICKERS = 32

EventType = Literal["recall", "crash", "target_change"]
Direction = Literal["raise", "cut", "withdraw", "set"]
Number = int | float

#: The fact keys each event type may carry (the `redflag classify` contract).
FACT_KEYS: dict[str, tuple[str, ...]] = {
    "recall": ("units",),
    "crash": ("fatalities", "injuries"),
    "target_change": ("metric", "direction", "old", "new", "period", "currency"),
}


class Facts(Message):
    """The figures of an event; unset keys are omitted when serialised."""

    units: int | None = Field(default=None, ge=0)
    fatalities: int | None = Field(default=None, ge=0)
    injuries: int | None = Field(default=None, ge=0)
    metric: str | None = Field(default=None, max_length=MAX_TERM)
    direction: Direction | None = None
    old: Number | None = None
    new: Number | None = None
    period: str | None = Field(default=None, max_length=MAX_TERM)
    currency: str | None = Field(default=None, max_length=MAX_TERM)

    def compact(self) -> dict[str, object]:
        """The set facts only, numbers as JSON numbers."""
        return self.model_dump(exclude_none=True)


class Event(Message):
    """One detected event in one article."""

    type: EventType
    confidence: float = Field(ge=0.0, le=1.0)
    company: str | None = Field(default=None, max_length=MAX_TERM)
    tickers: tuple[Annotated[str, Field(max_length=MAX_TERM)], ...] = Field(
        default=(), max_length=MAX_TICKERS
    )
    facts: Facts = Facts()
    evidence: str = Field(default="", max_length=MAX_EVIDENCE)
    on_watchlist: bool = False

    def contract(self) -> dict[str, object]:
        """The event as `redflag classify` prints it."""
        return {
            "type": self.type,
            "confidence": round(self.confidence, 3),
            "company": self.company,
            "tickers": list(self.tickers),
            "facts": self.facts.compact(),
            "evidence": self.evidence,
        }


class Alert(Message):
    """An event ready to notify; `id` is stable so a re-classified article dedupes downstream."""

    schema_version: Literal[1] = 1
    id: str = Field(max_length=MAX_ID)
    event: Event
    article_id: str = Field(max_length=MAX_ID)
    title: str = Field(default="", max_length=MAX_TITLE)
    link: str | None = Field(default=None, max_length=MAX_LINK)
    source: str = Field(default="", max_length=MAX_SOURCE)
    feed: str = Field(default="", max_length=MAX_NAME)
    published: AwareDatetime | None = None
    lang: str | None = Field(default=None, max_length=MAX_LANG)
    first_seen: AwareDatetime | None = Field(
        default=None, description="When the poller first saw the article (latency is from here)."
    )
    detected_at: AwareDatetime | None = None


def alert_id(article_id: str, event: Event) -> str:
    """Deterministic id: the same article and event always give the same alert id.

    The figures are part of it: an article edited under the same guid whose figures moved is
    a new alert (the notifier decides whether it is an update); one re-read unchanged, or
    edited only in its wording, is the same alert and is never sent twice.
    """
    facts = json.dumps(event.facts.compact(), sort_keys=True)
    raw = f"{article_id}\x1f{event.type}\x1f{(event.company or '').casefold()}\x1f{facts}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]
