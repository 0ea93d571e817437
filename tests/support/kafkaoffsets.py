"""A consumer group's offsets on the test broker: read them, move them back (a replay)."""

from aiokafka import AIOKafkaConsumer, TopicPartition

from services.core.kafkaconnect import admin_client, client_options
from services.core.kafkagroup import partition_count
from services.core.settings import KafkaSettings


async def partitions_of(settings: KafkaSettings, topic: str) -> list[TopicPartition]:
    """Every partition of `topic`."""
    return [TopicPartition(topic, p) for p in range(await partition_count(settings, topic, None))]


async def behind(settings: KafkaSettings, group: str, topic: str) -> int:
    """Records of `topic` that `group` has not committed yet (all of them before any commit)."""
    tps = await partitions_of(settings, topic)
    admin = await admin_client(settings, None)
    reader = AIOKafkaConsumer(**client_options(settings))
    await reader.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
        ends = await reader.end_offsets(tps)
        return sum(ends[tp] - (committed[tp].offset if tp in committed else 0) for tp in tps)
    finally:
        await reader.stop()
        await admin.close()


async def rewind(settings: KafkaSettings, group: str, topic: str) -> None:
    """Commit offset 0 on every partition for `group` (no member may be in it): every record
    is read again, as after a reset or by a replica that never got the commits."""
    tps = await partitions_of(settings, topic)
    consumer = AIOKafkaConsumer(
        **client_options(settings), group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        await consumer.commit(dict.fromkeys(tps, 0))
    finally:
        await consumer.stop()
