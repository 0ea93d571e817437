"""Waiting until a pipeline has finished its work, instead of sleeping a guessed time.

A stage commits a record's offset only once its output is durable (the next topic, the
delivery log), so a consumer group whose committed offsets have reached the end of its
topic has done everything it was given: a redelivery, a duplicate or a late send can only
come from records beyond its committed offsets, and there are none. Checked upstream first
(articles, then alerts), so what one group has produced is counted by the next group's read.

`kafka_backlog` reads the committed offsets with the admin API and the ends with a
group-less consumer (aiokafka); `sqlite_backlog` reads the embedded bus's file the same way
(`SqliteBus.committed` / `SqliteBus.end_offset`).
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from services.core.kafkaconnect import admin_client, client_options
from services.core.settings import KafkaSettings
from services.core.sqlitebus import SqliteBus

#: (group, topic): a consumer group and the topic it reads, upstream first.
Pairs = Sequence[tuple[str, str]]


def pipeline(kafka: KafkaSettings) -> list[tuple[str, str]]:
    """The classifier on articles, then the notifier on alerts."""
    return [
        (kafka.groups.classifier, kafka.topics.articles),
        (kafka.groups.notifier, kafka.topics.alerts),
    ]


async def kafka_backlog(kafka: KafkaSettings, pairs: Pairs) -> int:
    """Records in `pairs`' topics beyond their groups' committed offsets (0: all done)."""
    admin = await admin_client(kafka, None)
    reader = AIOKafkaConsumer(**client_options(kafka), enable_auto_commit=False)
    await reader.start()
    try:
        backlog = 0
        known = set(await admin.list_topics())  # describing a missing topic might create it
        for group, topic in pairs:
            if topic not in known:
                continue  # no stage has created it: nothing was ever sent to it
            [meta] = await admin.describe_topics([topic])
            parts = [TopicPartition(topic, p["partition"]) for p in meta["partitions"]]
            ends = await reader.end_offsets(parts)
            committed = await admin.list_consumer_group_offsets(group, partitions=parts)
            for tp in parts:
                done = committed[tp].offset if tp in committed else 0
                backlog += max(0, ends[tp] - max(done, 0))
        return backlog
    finally:
        await reader.stop()
        await admin.close()


async def sqlite_backlog(path: Path, pairs: Pairs) -> int:
    """The same for the embedded bus in the file `path` (shared with a running process)."""
    async with SqliteBus(path) as bus:
        return sum(max(0, bus.end_offset(t) - bus.committed(g, t)) for g, t in pairs)


async def until(
    done: Callable[[], bool | Awaitable[bool]], timeout: float, *, every: float = 0.2
) -> None:
    """Check `done()` (sync or async) every `every` seconds until it holds; TimeoutError
    after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = done()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met after {timeout}s")
        await asyncio.sleep(every)


async def kafka_idle(kafka: KafkaSettings, pairs: Pairs) -> bool:
    """True when `kafka_backlog` is 0; False while the broker cannot say yet (no group
    coordinator on a fresh broker, a leader moving)."""
    try:
        return await kafka_backlog(kafka, pairs) == 0
    except KafkaError as exc:
        if not exc.retriable:
            raise
        return False


async def kafka_drained(
    kafka: KafkaSettings, pairs: Pairs | None = None, timeout: float = 60.0
) -> None:
    """Wait until every group of `pairs` (default: the classifier, then the notifier) has
    committed every record sent to it."""
    await until(lambda: kafka_idle(kafka, pipeline(kafka) if pairs is None else pairs), timeout)


async def sqlite_drained(path: Path, pairs: Pairs, timeout: float = 60.0) -> None:
    """The same for the embedded bus in the file `path` (of a running `redflag run`)."""

    async def done() -> bool:
        return await sqlite_backlog(path, pairs) == 0

    await until(done, timeout)
