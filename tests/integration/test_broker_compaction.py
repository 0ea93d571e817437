"""The test broker compacts within seconds, for changelog topics (cleanup.policy=compact)."""

import asyncio
import time
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import NewTopic

from services.core.kafkaconnect import admin_client, client_options
from services.core.settings import KafkaSettings
from tests.support.broker import Broker

pytestmark = pytest.mark.kafka

# small segments and an eager cleaner: what a test of a changelog would set on its topic
COMPACT = {
    "cleanup.policy": "compact",
    "segment.ms": "100",
    "min.cleanable.dirty.ratio": "0.01",
    "min.compaction.lag.ms": "0",
    "delete.retention.ms": "100",
}


async def read_all(settings: KafkaSettings, tp: TopicPartition) -> list[tuple[bytes, bytes]]:
    consumer = AIOKafkaConsumer(**client_options(settings), enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        out: list[tuple[bytes, bytes]] = []
        while await consumer.position(tp) < end:
            for messages in (await consumer.getmany(tp, timeout_ms=500)).values():
                out += [(m.key, m.value) for m in messages]
        return out
    finally:
        await consumer.stop()


async def test_a_compacted_topic_keeps_the_last_value_per_key(
    kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    topic = f"t{uuid.uuid4().hex[:8]}.changelog"
    admin = await admin_client(kafka_settings, None)
    try:
        await admin.create_topics([NewTopic(topic, 1, 1, topic_configs=COMPACT)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(**client_options(kafka_settings), enable_idempotence=True)
    await producer.start()
    try:
        for value in (b"1", b"2", b"3"):
            await producer.send_and_wait(topic, value, key=b"a")
        await producer.send_and_wait(topic, b"1", key=b"b")
        tp = TopicPartition(topic, 0)
        deadline = time.monotonic() + 60
        while (records := await read_all(kafka_settings, tp)).count((b"a", b"1")):
            assert time.monotonic() < deadline, records
            await asyncio.sleep(0.5)
            await producer.send_and_wait(topic, b"x", key=b"roll")  # rolls the segment
    finally:
        await producer.stop()
    kept = dict(records)
    assert kept[b"a"] == b"3"
    assert kept[b"b"] == b"1"
    assert [k for k, _ in records].count(b"a") < 3
