"""Group membership without records: a share of a topic's partitions, as tokens.

For work that is not a stream of messages (the poller's feeds), the group coordinator
shares the partitions out and moves them when a member joins or leaves.
"""

import asyncio
import contextlib

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from services.core.bus import PartitionListener
from services.core.kafkaconnect import admin_client, bounded, group_consumer, started
from services.core.settings import KafkaSettings

log = structlog.get_logger(__name__)

KAFKA_MEMBER_POLL_FAILED = "kafka_member_poll_failed"


class GroupMember:
    """Holds a share of a topic's partitions in a group without reading records.

    For work that is not a stream of messages (the poller's feeds): the partitions are
    only tokens the group coordinator shares out, and moves when a member joins or leaves.
    A background task keeps calling `getmany`, since aiokafka evicts a member that stops
    polling for longer than `max_poll_interval_ms`.
    """

    def __init__(
        self, settings: KafkaSettings, topic: str, group: str, listener: PartitionListener
    ) -> None:
        self._settings = settings
        self._topic = topic
        self._listener = listener
        self._task: asyncio.Task[None] | None = None
        self._group = group
        self._started: AIOKafkaConsumer | None = None

    @property
    def _consumer(self) -> AIOKafkaConsumer:
        if self._started is None:
            raise RuntimeError("GroupMember used before start()")
        return self._started

    def _new(self) -> AIOKafkaConsumer:
        return group_consumer(self._settings, self._group, auto_offset_reset="latest")

    async def start(self, partitions: int, stop: asyncio.Event | None = None) -> None:
        """Connect, check the topic has `partitions`, join the group and stay in it."""
        found = await partition_count(self._settings, self._topic, stop)
        if found != partitions:
            raise ValueError(
                f"topic {self._topic} has {found} partitions, expected {partitions}: "
                "the partition count is fixed when the topic is created"
            )
        self._started = await started(self._settings, self._new, stop)
        self._consumer.subscribe([self._topic], listener=_Membership(self._topic, self._listener))
        self._task = asyncio.create_task(self._keep_polling(), name=f"member {self._topic}")

    async def _keep_polling(self) -> None:
        while True:
            try:
                await self._consumer.getmany(timeout_ms=1000)  # records, if any, mean nothing
            except KafkaError as exc:
                log.warning(KAFKA_MEMBER_POLL_FAILED, topic=self._topic, error=str(exc))
                await asyncio.sleep(1.0)

    async def close(self) -> None:
        """Leave the group, so the others take over our partitions at once."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await bounded(self._consumer.stop(), self._settings.close_timeout_s, "group member")


class _Membership(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, topic: str, listener: PartitionListener) -> None:
        self._topic = topic
        self._listener = listener

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self._listener.revoked({tp.partition for tp in revoked if tp.topic == self._topic})

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self._listener.assigned({tp.partition for tp in assigned if tp.topic == self._topic})


async def ensure_topic(
    settings: KafkaSettings, topic: str, partitions: int, stop: asyncio.Event | None
) -> None:
    admin = await admin_client(settings, stop)
    try:
        if topic not in set(await admin.list_topics()):
            with contextlib.suppress(TopicAlreadyExistsError):  # another member was first
                await admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        await admin.close()


async def partition_count(settings: KafkaSettings, topic: str, stop: asyncio.Event | None) -> int:
    """The topic's partitions as the brokers' metadata shows them (0: no such topic)."""
    admin = await admin_client(settings, stop)
    try:
        for _ in range(20):  # a topic just created may take a moment to show in metadata
            described = await admin.describe_topics([topic])
            found = [len(t["partitions"]) for t in described if t["topic"] == topic]
            if found and found[0]:
                return found[0]
            await asyncio.sleep(0.5)
        return 0
    finally:
        await admin.close()
