"""Shared model configuration: frozen, strict about unknown fields."""

from pydantic import BaseModel, ConfigDict


class Message(BaseModel):
    """Base of every message on the bus: immutable and rejecting unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")
