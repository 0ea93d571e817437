"""`Event` (what the classifier finds) and `Alert` (an event bound to its article)."""

import hashlib
import json
from typing import Literal

from pydantic import AwareDatetime, Field

from schemas._base import Message

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
    metric: str | None = None
    direction: Direction | None = None
    old: Number | None = None
    new: Number | None = None
    period: str | None = None
    currency: str | None = None

    def compact(self) -> dict[str, object]:
        """The set facts only, numbers as JSON numbers."""
        return self.model_dump(exclude_none=True)


class Event(Message):
    """One detected event in one article."""

    type: EventType
    confidence: float = Field(ge=0.0, le=1.0)
    company: str | None = None
    tickers: tuple[str, ...] = ()
    facts: Facts = Facts()
    evidence: str = ""
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
    id: str
    event: Event
    article_id: str
    title: str = ""
    link: str | None = None
    source: str = ""
    feed: str = ""
    published: AwareDatetime | None = None
    lang: str | None = None
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
