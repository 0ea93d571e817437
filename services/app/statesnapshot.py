"""A read-only copy of the notifier's state from its changelog topics, for the CLI (Kafka).

On the Kafka runner each host's `state_dir` is a cache of the partitions its replica owns
(or owned), so `redflag deadletter` and `redflag events` run there would show some of the
state, or none of it after a lost cache. Instead they read every partition of
`kafka.topics.notifier_state` and `kafka.topics.sender_state` from the start into fresh
caches in a temporary directory, with the restore's own code (`changelog.read_partition`),
through a group-less reader: nothing joins the notifier's groups, nothing is settled or
written to a topic. `refresh` reads what was appended since (a replay's outcome).
"""

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiokafka.errors import KafkaError

from services.core.bus import BusError
from services.core.kafkachangelog import KafkaChangelog
from services.core.kafkaconnect import admin_client
from services.core.kafkagroup import partition_count
from services.notifier.changelog import read_partition
from services.notifier.config import Settings
from services.notifier.deliverylog import DeliveryLog
from services.notifier.senderlog import SENDER_LOG, with_sender_deliveries
from services.notifier.statecapture import StateCapture

#: How long the CLI waits for the broker before it says so.
CONNECT_TIMEOUT = 30.0


class SnapshotError(Exception):
    """Kafka could not be read; the message names the servers, never a credential."""


class _Copy:
    """One changelog topic read into one cache file."""

    def __init__(self, settings: Settings, topic: str, path: Path, partitions: int) -> None:
        self.log = DeliveryLog(path)
        self.capture = StateCapture(self.log.connection)
        self.reader = KafkaChangelog(settings.kafka, topic)  # never started: no producer
        self.ends = dict.fromkeys(range(partitions), 0)

    async def refresh(self) -> int:
        """Read each partition from where the last read ended; the rows read."""
        total = 0
        for p, start in self.ends.items():
            rows, self.ends[p], _ = await read_partition(self.reader, self.capture, p, start)
            total += rows
        return total

    async def close(self) -> None:
        await self.reader.close()
        self.log.close()


class Snapshot:
    """The routing side's state in `dir/notifier.db`, the senders' in `dir/notifier-sender.db`
    (a topic that does not exist yet is left out): the layout of a `state_dir`."""

    def __init__(self, settings: Settings, directory: Path) -> None:
        self.settings = settings
        self.dir = directory
        self.copies: dict[str, _Copy] = {}
        self.missing: list[str] = []

    async def open(self) -> None:
        """Find the topics and read them to their ends."""
        topics = self.settings.kafka.topics
        existing = await _topics(self.settings)
        for topic, name in (
            (topics.notifier_state, "notifier.db"),
            (topics.sender_state, SENDER_LOG),
        ):
            if topic not in existing:
                self.missing.append(topic)
                continue
            count = await partition_count(self.settings.kafka, topic, None)
            self.copies[topic] = _Copy(self.settings, topic, self.dir / name, count)
        await self.refresh()

    async def refresh(self) -> int:
        """Read what every topic got since the last read; the rows read."""
        try:
            return sum([await c.refresh() for c in self.copies.values()])
        except (BusError, KafkaError) as exc:
            raise SnapshotError(f"could not read the notifier's changelog: {exc}") from exc

    def sender_log(self) -> DeliveryLog | None:
        """The senders' delivery log copy, if that topic exists."""
        copy = self.copies.get(self.settings.kafka.topics.sender_state)
        return None if copy is None else copy.log

    async def close(self) -> None:
        for copy in self.copies.values():
            await copy.close()


async def _topics(settings: Settings) -> set[str]:
    admin = await admin_client(settings.kafka, None)
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


@asynccontextmanager
async def snapshot(settings: Settings) -> AsyncIterator[Snapshot]:
    """A `Snapshot` in a temporary directory, removed on exit; `SnapshotError` when the
    broker does not answer within `CONNECT_TIMEOUT`."""
    with tempfile.TemporaryDirectory(prefix="redflag-state-") as tmp:
        snap = Snapshot(settings, Path(tmp))
        try:
            try:
                await asyncio.wait_for(snap.open(), CONNECT_TIMEOUT)
            except TimeoutError:
                servers = settings.kafka.bootstrap_servers
                raise SnapshotError(
                    f"Kafka at {servers} did not answer within {CONNECT_TIMEOUT:g} s"
                ) from None
            except KafkaError as exc:
                raise SnapshotError(f"could not read from Kafka: {type(exc).__name__}") from exc
            yield snap
        finally:
            with contextlib.suppress(KafkaError, BusError):
                await snap.close()


async def recent_events(
    settings: Settings, since: float, company: str | None, kind: str | None
) -> list[dict[str, Any]] | None:
    """`redflag events` from the changelog (`DeliveryLog.recent_events` with the senders'
    deliveries); None when the notifier's state topic does not exist."""
    async with snapshot(settings) as snap:
        copy = snap.copies.get(settings.kafka.topics.notifier_state)
        if copy is None:
            return None
        return with_sender_deliveries(copy.log.recent_events(since, company, kind), snap.dir)
