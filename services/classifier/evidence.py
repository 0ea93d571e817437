"""A `Hit`: one sentence's evidence for one event type, and small helpers the rules share."""

import re
from dataclasses import dataclass, field

from schemas.alert import EventType
from services.classifier.text import Sentence

Span = tuple[int, int]


@dataclass(slots=True)
class Hit:
    """One sentence reporting an event: how strongly, where its verb is, what figures it gives."""

    type: EventType
    strength: float
    sentence: Sentence
    anchor: Span
    role: str = ""  # "price_target" when an analyst's target, else the event type
    verb: Span | None = None  # the change verb, when it is not the anchor
    passive: bool = False  # "fans ... recalled over ...": the subject before is the product
    facts: dict[str, object] = field(default_factory=dict)
    object_hint: Span | None = None  # where the company named as object starts (price targets)


def spans(pattern: re.Pattern[str], text: str) -> list[Span]:
    """Spans of every match."""
    return [m.span() for m in pattern.finditer(text)]


def covered(span: Span, blockers: list[Span]) -> bool:
    """The span overlaps one of the blocking spans."""
    return any(start < span[1] and span[0] < end for start, end in blockers)


def near(position: int, positions: list[int], window: int) -> bool:
    """Some position lies within `window` characters."""
    return any(abs(p - position) <= window for p in positions)
