"""A minimal article for the classifier's pure core (its `core.Text` protocol)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.classifier.core import Rules


@dataclass(frozen=True)
class Text:
    """Title, summary, body and language: all `classify()` reads."""

    title: str
    summary: str = ""
    content: str = ""
    lang: str | None = None


def named_events(rules: "Rules", title: str, summary: str = "") -> list[tuple[str, str | None]]:
    """(type, company) of each event `classify` gives for a headline and summary."""
    from services.classifier.core import classify  # noqa: PLC0415 - keeps this module light

    return [(e.type, e.company) for e in classify(Text(title, summary), rules)]
