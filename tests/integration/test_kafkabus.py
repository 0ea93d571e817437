"""KafkaBus on a real broker: produce, consume in a group, commit only finished work."""

import asyncio

import pytest

from services.core.kafkabus import KafkaBus
from services.core.settings import KafkaSettings

pytestmark = pytest.mark.kafka


async def _poll_until(consumer, count: int, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    got = []
    deadline = asyncio.get_running_loop().time() + timeout
    while len(got) < count and asyncio.get_running_loop().time() < deadline:
        got += await consumer.poll(timeout=0.5)
    return got


async def test_unfinished_records_come_back_to_the_next_member(
    kafka_settings: KafkaSettings,
) -> None:
    topic = kafka_settings.topics.articles
    async with KafkaBus(kafka_settings) as bus:
        for i in range(9):
            await bus.send(topic, f"k{i}", f"v{i}".encode())
        consumer = await bus.consumer([topic], "g1")
        records = await _poll_until(consumer, 9)
        assert sorted(r.value for r in records) == sorted(f"v{i}".encode() for i in range(9))
        unfinished = {r.value for r in records if r.value in (b"v4", b"v7")}
        await consumer.commit([r for r in records if r.value not in unfinished])
        await consumer.close()

        # what must come back: each partition from its first unfinished record on
        first_open: dict[int, int] = {}
        for r in records:
            if r.value in unfinished:
                first_open[r.partition] = min(r.offset, first_open.get(r.partition, r.offset))
        due = [r for r in records if r.offset >= first_open.get(r.partition, r.offset + 1)]
        again = await bus.consumer([topic], "g1")
        redelivered = await _poll_until(again, len(due), timeout=40.0)
        redelivered += await again.poll(timeout=0.5)  # and a short look for anything more
        await again.close()
    values = {r.value for r in redelivered}
    # everything unfinished comes back; records after an unfinished one in the same
    # partition come back too (the group resumes at its committed offset), but finished
    # prefixes never do
    assert unfinished <= values
    assert {r.value for r in due} <= values  # redelivered from the committed offset on
    by_partition: dict[int, list[int]] = {}
    for r in records:
        by_partition.setdefault(r.partition, []).append(r.offset)
    for r in redelivered:
        first_unfinished = min(
            (x.offset for x in records if x.partition == r.partition and x.value in unfinished),
            default=None,
        )
        assert first_unfinished is not None and r.offset >= first_unfinished
