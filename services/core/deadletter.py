"""Poison messages go to the dead-letter topic with the reason, and the stage moves on."""

from datetime import UTC, datetime

from schemas import DeadLetter
from services.core.bus import Bus, Record


async def dead_letter(bus: Bus, topic: str, stage: str, record: Record, reason: str) -> None:
    """Publish `record` to `topic` wrapped in a `DeadLetter` naming the stage and reason."""
    letter = DeadLetter(
        stage=stage,
        reason=reason,
        topic=record.topic,
        key=record.key,
        payload=record.value.decode("utf-8", "replace")[:100_000],
        at=datetime.now(UTC),
    )
    await bus.send(topic, record.key, letter.model_dump_json().encode())
