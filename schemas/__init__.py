"""Message contracts between redflag's stages: versioned, frozen pydantic models."""

from schemas.alert import Alert, Event, EventType, Facts
from schemas.article import Article
from schemas.deadletter import DeadLetter

__all__ = ["Alert", "Article", "DeadLetter", "Event", "EventType", "Facts"]
