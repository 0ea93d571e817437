"""The Kafka bus: aiokafka producer and group consumers with manual, contiguous commits.

Auto-commit is off (aiokafka docs, consumer.rst: it is only safe one message at a time):
a stage commits a record after its output is durable, and we commit the contiguous
finished prefix per partition. On revocation we commit what is finished and forget the
rest; the partition's new owner re-reads it, and the downstream dedupe absorbs that.
"""

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from aiokafka.structs import OffsetAndMetadata

from services.core.bus import (
    AssignmentListener,
    BusError,
    PartitionListener,
    Record,
    Startable,
)
from services.core.health import READINESS
from services.core.kafkachangelog import KafkaChangelog
from services.core.kafkaconnect import (
    admin_client,
    bounded,
    client_options,
    group_consumer,
    started,
)
from services.core.kafkagroup import GroupMember, ensure_topic
from services.core.offsets import PartitionProgress
from services.core.settings import KafkaSettings

log = structlog.get_logger(__name__)

KAFKA_TOPIC_CREATE_FAILED = "kafka_topic_create_failed"
KAFKA_PARTITIONS_REVOKED = "kafka_partitions_revoked"
KAFKA_PARTITIONS_ASSIGNED = "kafka_partitions_assigned"
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
        admin = await admin_client(self._settings, self._stop)
        try:
            existing = set(await admin.list_topics())
            wanted = [
                NewTopic(name, self._settings.partitions, 1)
                for name in (topics.articles, topics.alerts, topics.deadletter, topics.deliveries)
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
        try:
            await self._producer.send_and_wait(
                topic, value=value, key=key.encode() if key is not None else None
            )
        except KafkaError as exc:  # the broker did not take it: not the message's fault
            raise BusError(f"Kafka did not acknowledge a message to {topic}: {exc!r}") from exc

    async def consumer(
        self, topics: Sequence[str], group: str, listener: AssignmentListener | None = None
    ) -> "KafkaConsumer":
        """Join `group` on `topics`, starting from the earliest record when it has no offset;
        `listener` is awaited on every partition move of the first topic."""
        consumer = KafkaConsumer(self._settings, group, listener)
        await consumer.start(topics, self._stop)
        return consumer

    async def changelog(self, topic: str, like: str, retention_s: float) -> KafkaChangelog:
        """The compacted changelog `topic`, partitioned like `like` (created if missing)."""
        changelog = KafkaChangelog(self._settings, topic, self._stop)
        await changelog.start(like, retention_s)
        return changelog

    async def group_member(
        self, topic: str, group: str, partitions: int, listener: PartitionListener
    ) -> GroupMember:
        """Join `group` on `topic` for its partitions alone, not its records; the topic is
        created with `partitions` if missing (where `create_topics`). The caller closes it."""
        if self._settings.create_topics:
            await ensure_topic(self._settings, topic, partitions, self._stop)
        member = GroupMember(self._settings, topic, group, listener)
        await member.start(partitions, self._stop)
        return member


class KafkaConsumer:
    """A group member; `commit` records finished work, per partition, in order."""

    def __init__(
        self, settings: KafkaSettings, group: str, listener: AssignmentListener | None = None
    ) -> None:
        self.listener = listener
        self._topic: str | None = None
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
        READINESS.block(self._readiness_key, f"waiting for partitions of group {self._group}")
        self._started = await started(self._settings, self._new, stop)
        self._topic = topics[0] if topics else None
        self._consumer.subscribe(list(topics), listener=_Rebalance(self))

    @property
    def _readiness_key(self) -> str:
        return f"partitions:{self._group}"

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

    def _own(self, partitions: set[TopicPartition]) -> set[int]:
        return {tp.partition for tp in partitions if tp.topic == self._topic}

    async def assigned(self, partitions: set[TopicPartition]) -> None:
        """Tell the listener; no record of these is handed out before it returns.

        aiokafka starts fetching a partition as soon as it is assigned, while this callback
        still runs; paused, its records are not returned (nor its position moved) until
        `resume`."""
        if self.listener is None:
            return
        ours = [tp for tp in partitions if tp.topic == self._topic]
        self._consumer.pause(*ours)
        try:
            await self.listener.assigned(self._own(partitions))
        finally:
            held = self._consumer.assignment()
            self._consumer.resume(*[tp for tp in ours if tp in held])

    async def revoked(self, partitions: set[TopicPartition]) -> None:
        """Tell the listener, commit what is finished on partitions we lose, forget them."""
        if self.listener is not None:
            await self.listener.revoked(self._own(partitions))
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
        READINESS.clear(self._readiness_key)
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
        await self._owner.assigned(set(assigned))
        # a member of the group now, even with none (more replicas than partitions): ready
        READINESS.clear(self._owner._readiness_key)
        await asyncio.sleep(0)


__all__ = ["GroupMember", "KafkaBus", "KafkaConsumer", "PartitionListener", "group_consumer"]
