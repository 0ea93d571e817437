"""A consumer's AssignmentListener runs before any record of its new partitions is handed out.

aiokafka starts fetching a partition as soon as it is assigned, while the assignment callback
is still running; a stage that restores state there (the notifier's changelog) must not get a
record of the partition before the restore is done.
"""

import asyncio
import time

import pytest

from services.core.kafkabus import KafkaBus
from services.core.settings import KafkaSettings

pytestmark = pytest.mark.kafka


class SlowRestore:
    """Takes `seconds` over each assignment, like a long changelog restore."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.restored_at: float | None = None
        self.partitions: set[int] = set()

    async def assigned(self, partitions: set[int]) -> None:
        await asyncio.sleep(self.seconds)
        self.partitions = partitions
        self.restored_at = time.monotonic()

    async def revoked(self, partitions: set[int]) -> None:
        self.partitions -= partitions


async def test_no_record_is_handed_out_before_the_listener_has_restored(
    kafka_settings: KafkaSettings,
) -> None:
    topic = kafka_settings.topics.alerts
    listener = SlowRestore(3.0)
    async with KafkaBus(kafka_settings) as bus:
        for i in range(6):
            await bus.send(topic, f"k{i}", f"v{i}".encode())
        consumer = await bus.consumer([topic], kafka_settings.groups.notifier, listener)
        try:
            got = []
            deadline = time.monotonic() + 40
            while len(got) < 6:
                assert time.monotonic() < deadline, got
                for record in await consumer.poll(timeout=0.5):
                    assert listener.restored_at is not None, "handed out during the restore"
                    assert record.partition in listener.partitions
                    got.append(record)
        finally:
            await consumer.close()
    assert sorted(r.value for r in got) == sorted(f"v{i}".encode() for i in range(6))
