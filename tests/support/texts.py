"""A minimal article for the classifier's pure core (its `core.Text` protocol)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """Title, summary, body and language: all `classify()` reads."""

    title: str
    summary: str = ""
    content: str = ""
    lang: str | None = None
