"""The Kafka bus: aiokafka producer and group consumers with manual, contiguous commits.

Auto-commit is off (aiokafka docs, consumer.rst: it is only safe one message at a time):
a stage commits a record after its output is durable, and we commit the contiguous
finished prefix per partition. On revocation we commit what is finished and forget the
rest; the partition's new owner re-reads it, and the downstream dedupe absorbs that.
"""

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any, Protocol

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from aiokafka.structs import OffsetAndMetadata

from services.core.bus import Record, Startable
from services.core.kafkaconnect import bounded, client_options, started
from services.core.offsets import PartitionProgress
from services.core.settings import KafkaSettings

log = structlog.get_logger(__name__)

KAFKA_TOPIC_CREATE_FAILED = "kafka_topic_create_failed"
KAFKA_PARTITIONS_REVOKED = "kafka_partitions_revoked"
KAFKA_PARTITIONS_ASSIGNED = "kafka_partitions_assigned"
KAFKA_MEMBER_POLL_FAILED = "kafka_member_poll_failed"
_FETCH_SLACK_S = 0.5  # beyond a poll's timeout, before it returns empty-handed


class KafkaBus(Startable):
    """Implements `services.core.bus.Bus` on a Kafka cluster."""

    def __init__(self, settings: KafkaSettings, stop: asyncio.Event | None = None) -> None:
        """`stop` (SIGTERM) ends the wait for a broker that does not answer yet."""
        self._settings = settings
        self._stop = stop
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        """Create the topics (where configured) and start the producer, once the broker
        answers (`kafkaconnect.started`)."""
        if self._settings.create_topics:
            await self.ensure_topics()
        if self._producer is None:
            self._producer = await started(
                self._settings,
                lambda: AIOKafkaProducer(
                    **client_options(self._settings),
                    acks="all",
                    enable_idempotence=self._settings.enable_idempotence,
                    linger_ms=5,
                ),
                self._stop,
            )

    async def ensure_topics(self) -> None:
        """Create redflag's topics if missing; an existing topic is left as it is."""
        topics = self._settings.topics
        admin = await _admin(self._settings, self._stop)
        try:
            existing = set(await admin.list_topics())
            wanted = [
                NewTopic(name, self._settings.partitions, 1)
                for name in (topics.articles, topics.alerts, topics.deadletter)
                if name not in existing
            ]
            if wanted:
                try:
                    await admin.create_topics(wanted)
                except TopicAlreadyExistsError:
                    pass  # another replica created it first
                except KafkaError as exc:
                    log.warning(KAFKA_TOPIC_CREATE_FAILED, error=str(exc))
        finally:
            await admin.close()

    async def close(self) -> None:
        """Flush pending sends and stop the producer."""
        if self._producer is not None:
            await bounded(self._producer.stop(), self._settings.close_timeout_s, "producer")
            self._producer = None

    async def send(self, topic: str, key: str | None, value: bytes) -> None:
        """Produce and wait for the broker's acknowledgement (acks=all)."""
        if self._producer is None:
            raise RuntimeError("KafkaBus used before start()")
        await self._producer.send_and_wait(
            topic, value=value, key=key.encode() if key is not None else None
        )

    async def consumer(self, topics: Sequence[str], group: str) -> "KafkaConsumer":
        """Join `group` on `topics`, starting from the earliest record when it has no offset."""
        consumer = KafkaConsumer(self._settings, group)
        await consumer.start(topics, self._stop)
        return consumer

    async def group_member(
        self, topic: str, group: str, partitions: int, listener: "PartitionListener"
    ) -> "GroupMember":
        """Join `group` on `topic` for its partitions alone, not its records; the topic is
        created with `partitions` if missing (where `create_topics`). The caller closes it."""
        if self._settings.create_topics:
            await _ensure_topic(self._settings, topic, partitions, self._stop)
        member = GroupMember(self._settings, topic, group, listener)
        await member.start(partitions, self._stop)
        return member


def group_consumer(settings: KafkaSettings, group: str, **options: object) -> AIOKafkaConsumer:
    """A manually committing group member with redflag's timeouts (aiokafka, consumer.rst),
    static (KIP-345) when `group_instance_id` is set."""
    return AIOKafkaConsumer(
        **client_options(settings),
        group_id=group,
        group_instance_id=settings.group_instance_id,
        enable_auto_commit=False,
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=settings.heartbeat_interval_ms,
        **options,
    )


class KafkaConsumer:
    """A group member; `commit` records finished work, per partition, in order."""

    def __init__(self, settings: KafkaSettings, group: str) -> None:
        self._progress: dict[TopicPartition, PartitionProgress] = {}
        self._settings = settings
        self._group = group
        self._max_batch = settings.max_batch
        self._started: AIOKafkaConsumer | None = None
        self._fetch: asyncio.Future[dict[TopicPartition, list[Any]]] | None = None

    @property
    def _consumer(self) -> AIOKafkaConsumer:
        if self._started is None:
            raise RuntimeError("KafkaConsumer used before start()")
        return self._started

    def _new(self) -> AIOKafkaConsumer:
        return group_consumer(
            self._settings,
            self._group,
            auto_offset_reset="earliest",
            max_poll_records=self._settings.max_batch,
        )

    async def start(self, topics: Sequence[str], stop: asyncio.Event | None = None) -> None:
        """Connect (waiting for the broker, unless `stop` is set) and subscribe."""
        self._started = await started(self._settings, self._new, stop)
        self._consumer.subscribe(list(topics), listener=_Rebalance(self))

    async def poll(self, timeout: float, max_records: int = 500) -> list[Record]:
        """Fetch up to `max_records`, waiting up to about `timeout` seconds.

        aiokafka's getmany ignores its timeout while a rebalance is in progress (it waits
        for the assignment, which the broker may hold for a dead member's whole session),
        so the fetch runs as a task that a later poll picks up again: the caller gets
        control back in time to see SIGTERM, and no fetched record is ever dropped.
        """
        if self._fetch is None:
            self._fetch = asyncio.ensure_future(
                self._consumer.getmany(
                    timeout_ms=int(timeout * 1000), max_records=min(max_records, self._max_batch)
                )
            )
        done, _ = await asyncio.wait({self._fetch}, timeout=timeout + _FETCH_SLACK_S)
        if not done:
            return []
        fetch, self._fetch = self._fetch, None
        batches = fetch.result()
        out: list[Record] = []
        for tp, messages in batches.items():
            progress = self._progress.setdefault(tp, PartitionProgress())
            for msg in messages:
                progress.handed_out(msg.offset)
                key = msg.key.decode("utf-8", "replace") if msg.key is not None else None
                out.append(Record(tp.topic, tp.partition, msg.offset, key, msg.value or b""))
        return out

    async def commit(self, records: Sequence[Record]) -> None:
        """Mark records finished; commit each partition's finished prefix."""
        touched: set[TopicPartition] = set()
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            progress = self._progress.get(tp)
            if progress is None:
                continue  # partition was revoked meanwhile: its new owner re-reads it
            progress.finished(record.offset)
            touched.add(tp)
        await self._commit(touched)

    async def _commit(self, partitions: set[TopicPartition]) -> None:
        offsets: dict[TopicPartition, OffsetAndMetadata] = {}
        for tp in partitions:
            nxt = self._progress[tp].committable() if tp in self._progress else None
            if nxt is not None:
                offsets[tp] = OffsetAndMetadata(nxt, "")
        if offsets:
            await self._consumer.commit(offsets)

    async def revoked(self, partitions: set[TopicPartition]) -> None:
        """Commit what is finished on partitions we lose, then forget them."""
        try:
            await self._commit(partitions & set(self._progress))
        except KafkaError as exc:
            log.warning(KAFKA_PARTITIONS_REVOKED, error=str(exc))
        for tp in partitions:
            self._progress.pop(tp, None)

    @property
    def pending(self) -> int:
        """Records handed out and not finished."""
        return sum(p.pending for p in self._progress.values())

    async def close(self) -> None:
        """Commit what is finished and leave the group, each within half of
        `close_timeout_s` (a rebalance in progress can hold both)."""
        if self._fetch is not None:
            self._fetch.cancel()  # records it held were never handed out: redelivered
            with contextlib.suppress(asyncio.CancelledError, KafkaError):
                await self._fetch
            self._fetch = None
        half = self._settings.close_timeout_s / 2
        try:
            await asyncio.wait_for(self._commit(set(self._progress)), half)
        except (KafkaError, TimeoutError):
            pass  # uncommitted work is redelivered; dedupe absorbs it
        finally:
            await bounded(self._consumer.stop(), half, "consumer")


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: KafkaConsumer) -> None:
        self._owner = owner

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._owner.revoked(set(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        log.info(
            KAFKA_PARTITIONS_ASSIGNED,
            partitions=sorted(f"{t.topic}-{t.partition}" for t in assigned),
        )
        await asyncio.sleep(0)


class PartitionListener(Protocol):
    """Told which partitions of a `GroupMember`'s topic this member holds."""

    def assigned(self, partitions: set[int]) -> None:
        """The group gave us these partitions (all we hold now)."""
        ...

    def revoked(self, partitions: set[int]) -> None:
        """We must stop using these partitions: a rebalance is starting."""
        ...


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
        found = await _partition_count(self._settings, self._topic, stop)
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


async def _admin(settings: KafkaSettings, stop: asyncio.Event | None) -> AIOKafkaAdminClient:
    admin: AIOKafkaAdminClient = await started(
        settings, lambda: AIOKafkaAdminClient(**client_options(settings)), stop
    )
    return admin


async def _ensure_topic(
    settings: KafkaSettings, topic: str, partitions: int, stop: asyncio.Event | None
) -> None:
    admin = await _admin(settings, stop)
    try:
        if topic not in set(await admin.list_topics()):
            with contextlib.suppress(TopicAlreadyExistsError):  # another member was first
                await admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        await admin.close()


async def _partition_count(settings: KafkaSettings, topic: str, stop: asyncio.Event | None) -> int:
    """The topic's partitions as the brokers' metadata shows them (0: no such topic)."""
    admin = await _admin(settings, stop)
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
