"""Message contracts between redflag's stages: versioned, frozen pydantic models."""

from schemas.alert import Alert, Event, EventType, Facts
from schemas.article import Article
from schemas.deadletter import DeadLetter
from schemas.delivery import Delivery

__all__ = ["Alert", "Article", "DeadLetter", "Delivery", "Event", "EventType", "Facts"]
