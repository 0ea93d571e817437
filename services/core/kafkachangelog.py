"""A compacted changelog topic on Kafka: a stage's state, partitioned like its input.

Kafka Streams' state-store pattern: every state row a stage writes while it handles a record
of input partition p is appended to partition p of the changelog, keyed by the row's identity,
so compaction keeps the last value of each row (a None value deletes it). When p moves to
another member, that member reads changelog partition p before it handles any of p's records.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from services.core.bus import BusError, Change
from services.core.kafkaconnect import admin_client, bounded, client_options, started
from services.core.kafkagroup import partition_count
from services.core.settings import KafkaSettings

log = structlog.get_logger(__name__)

KAFKA_CHANGELOG_CREATED = "kafka_changelog_created"
_READ_WAIT_MS = 500


def topic_configs(retention_s: float) -> dict[str, str]:
    """Compacted, and rows untouched for `retention_s` dropped (as the stage's own pruning
    forgets them); tombstones kept as long, so a member that comes back to a partition
    within that time still sees every delete since its checkpoint."""
    ms = str(int(retention_s * 1000))
    return {"cleanup.policy": "compact,delete", "retention.ms": ms, "delete.retention.ms": ms}


class KafkaChangelog:
    """Implements `services.core.bus.Changelog` with its own producer (acks=all, idempotent
    where configured, no linger: a writer waits for each ack) and one group-less reader."""

    def __init__(
        self, settings: KafkaSettings, topic: str, stop: asyncio.Event | None = None
    ) -> None:
        self._settings = settings
        self._producer: AIOKafkaProducer | None = None
        self._topic = topic
        self._stop = stop
        self._reader: AIOKafkaConsumer | None = None

    async def start(self, like: str, retention_s: float) -> None:
        """Check (or create, where `create_topics`) the topic with `like`'s partition count,
        and start the producer."""
        await self._create(like, retention_s)
        self._producer = await started(
            self._settings,
            lambda: AIOKafkaProducer(
                **client_options(self._settings),
                acks="all",
                enable_idempotence=self._settings.enable_idempotence,
                linger_ms=0,
            ),
            self._stop,
        )

    async def _create(self, like: str, retention_s: float) -> None:
        wanted = await partition_count(self._settings, like, self._stop)
        if wanted == 0:
            raise BusError(f"topic {like} does not exist: its changelog cannot be sized")
        admin = await admin_client(self._settings, self._stop)
        try:
            missing = self._topic not in set(await admin.list_topics())
            if missing and self._settings.create_topics:
                topic = NewTopic(self._topic, wanted, 1, topic_configs=topic_configs(retention_s))
                with contextlib.suppress(TopicAlreadyExistsError):  # another replica was first
                    await admin.create_topics([topic])
                    log.info(KAFKA_CHANGELOG_CREATED, topic=self._topic, partitions=wanted)
        finally:
            await admin.close()
        found = await partition_count(self._settings, self._topic, self._stop)
        if found != wanted:
            raise BusError(
                f"changelog topic {self._topic} has {found} partitions, {like} has {wanted}: "
                "they must match (state of partition p lives in partition p)"
            )

    async def write(self, partition: int, changes: Sequence[Change]) -> int:
        """Append in order (one producer, one partition); return after every ack."""
        if self._producer is None:
            raise RuntimeError("KafkaChangelog used before start()")
        try:
            futures = [
                await self._producer.send(self._topic, c.value, key=c.key, partition=partition)
                for c in changes
            ]
            acked = await asyncio.gather(*futures)
        except KafkaError as exc:
            raise BusError(f"Kafka did not acknowledge changelog {self._topic}: {exc!r}") from exc
        return int(acked[-1].offset) + 1 if acked else -1

    async def read(self, partition: int, start: int) -> AsyncIterator[tuple[int, Change]]:
        """Every change from `start` to the end offset as it was when the read began;
        `BusError` when the broker does not answer (the caller reads again)."""
        try:
            async for item in self._read(partition, start):
                yield item
        except KafkaError as exc:
            raise BusError(f"could not read changelog {self._topic}: {exc!r}") from exc

    async def _read(self, partition: int, start: int) -> AsyncIterator[tuple[int, Change]]:
        reader = await self._started_reader()
        tp = TopicPartition(self._topic, partition)
        reader.assign([tp])
        end = (await reader.end_offsets([tp]))[tp]
        if end <= start:
            return
        first = (await reader.beginning_offsets([tp]))[tp]
        reader.seek(tp, max(start, first))
        while await reader.position(tp) < end:
            batch = await reader.getmany(tp, timeout_ms=_READ_WAIT_MS)
            for message in batch.get(tp, []):
                if message.offset >= end:
                    return
                yield message.offset, Change(message.key or b"", message.value)

    async def _started_reader(self) -> AIOKafkaConsumer:
        if self._reader is None:
            self._reader = await started(
                self._settings,
                lambda: AIOKafkaConsumer(
                    **client_options(self._settings),
                    enable_auto_commit=False,
                    auto_offset_reset="earliest",
                ),
                self._stop,
            )
        return self._reader

    async def close(self) -> None:
        """Flush and stop the producer, stop the reader."""
        if self._producer is not None:
            await bounded(self._producer.stop(), self._settings.close_timeout_s, "changelog")
            self._producer = None
        if self._reader is not None:
            with contextlib.suppress(KafkaError):
                await self._reader.stop()
            self._reader = None
