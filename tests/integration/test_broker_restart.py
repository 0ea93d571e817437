"""A real broker restart (SIGTERM, start again on the same ports and data) under a running bus."""

import asyncio
import time

import pytest

from services.core.kafkabus import KafkaBus, KafkaConsumer
from services.core.settings import KafkaSettings
from tests.support.broker import Broker

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


async def poll_until(consumer: KafkaConsumer, count: int, timeout: float) -> list[bytes]:
    values: list[bytes] = []
    deadline = time.monotonic() + timeout
    while len(values) < count:
        assert time.monotonic() < deadline, values
        records = await consumer.poll(0.5)
        values += [r.value for r in records]
        await consumer.commit(records)
    return values


async def test_producer_and_consumer_carry_on_across_a_broker_restart(
    kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    if full_kafka.process is None:
        pytest.skip("only the suite's own broker can be restarted")
    topic = kafka_settings.topics.articles
    async with KafkaBus(kafka_settings) as bus:
        consumer = await bus.consumer([topic], kafka_settings.groups.classifier)
        try:
            await bus.send(topic, "a", b"before")
            assert await poll_until(consumer, 1, 30) == [b"before"]
            poll = asyncio.ensure_future(poll_until(consumer, 1, 60))  # a fetch in flight
            await asyncio.to_thread(full_kafka.process.stop)
            await asyncio.to_thread(full_kafka.process.start)
            await bus.send(topic, "b", b"after")
            assert await poll == [b"after"]  # the committed record is not read again
        finally:
            await consumer.close()
