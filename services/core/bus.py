"""The bus contract the stages share; `KafkaBus` and `SqliteBus` implement it.

At-least-once on purpose: a consumer hands out records, the stage makes its output
durable, then calls `commit(records)`. Commits may arrive out of order (the notifier
finishes channels at different speeds); the bus only ever commits the contiguous prefix
of finished offsets per partition, so a crash redelivers whatever was not finished.
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol, Self

from services.core.lifecycle import StopSignal


class BusError(Exception):
    """The bus could not take or hand out a message: the message is not at fault, and a
    stage must not dead-letter it (it stays uncommitted and is read again)."""


@dataclass(frozen=True, slots=True)
class Record:
    """One message as a consumer sees it."""

    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes


class Consumer(Protocol):
    """A group member reading one or more topics."""

    async def poll(self, timeout: float, max_records: int = 500) -> list[Record]:
        """Return the next records, or [] after `timeout` seconds with none."""
        ...

    async def commit(self, records: Sequence[Record]) -> None:
        """Mark records finished; the contiguous finished prefix is committed."""
        ...

    async def close(self) -> None:
        """Commit what is finished and leave the group."""
        ...


class PartitionListener(Protocol):
    """Told which partitions of a group member's topic this member holds."""

    def assigned(self, partitions: set[int]) -> None:
        """The group gave us these partitions (all we hold now)."""
        ...

    def revoked(self, partitions: set[int]) -> None:
        """We must stop using these partitions: a rebalance is starting."""
        ...


class AssignmentListener(Protocol):
    """Told, and awaited, when a consumer's partitions change: `assigned` runs before any
    record of the new partitions is fetched, `revoked` before their offsets are given up."""

    async def assigned(self, partitions: set[int]) -> None:
        """These partitions (of the consumer's topic) are ours now."""
        ...

    async def revoked(self, partitions: set[int]) -> None:
        """These partitions are about to go to another member."""
        ...


@dataclass(frozen=True, slots=True)
class Change:
    """One row of a stage's state as a changelog carries it: `value` None deletes it."""

    key: bytes
    value: bytes | None


class Changelog(Protocol):
    """A compacted topic partitioned like a consumed topic: the state of partition p of the
    input is written to, and restored from, partition p of the changelog."""

    async def write(self, partition: int, changes: Sequence[Change]) -> int:
        """Append `changes` in order; returns, once all are acknowledged, the offset after
        the last."""
        ...

    def read(self, partition: int, start: int) -> AsyncIterator[tuple[int, Change]]:
        """Every change (with its offset) from offset `start` up to the partition's end
        as it was when the read began."""
        ...

    async def close(self) -> None:
        """Release the reader."""
        ...


class Member(Protocol):
    """A place in a group that shares a topic's partitions (not its records)."""

    async def close(self) -> None:
        """Leave the group; the partitions go to the other members."""
        ...


class Bus(Protocol):
    """Where stages publish and consume."""

    async def start(self) -> None:
        """Connect (and create topics where configured)."""
        ...

    async def close(self) -> None:
        """Flush and disconnect."""
        ...

    async def send(self, topic: str, key: str | None, value: bytes) -> None:
        """Publish one message; returns once the message is durable (acknowledged)."""
        ...

    async def consumer(
        self, topics: Sequence[str], group: str, listener: AssignmentListener | None = None
    ) -> Consumer:
        """Join `group` on `topics`; the caller closes it. `listener` hears (and is awaited
        on) partition moves of the first topic; one process that reads everything (the
        embedded bus) never calls it."""
        ...

    async def changelog(self, topic: str, like: str, retention_s: float) -> Changelog | None:
        """A changelog topic with as many partitions as topic `like` (created compacted if
        missing), or None where state needs no changelog (the embedded bus: one process,
        one file)."""
        ...

    async def group_member(
        self, topic: str, group: str, partitions: int, listener: PartitionListener
    ) -> Member:
        """Join `group` for `topic`'s partitions alone; `listener` hears what this member
        holds. One process (the embedded bus) holds them all. The caller closes it."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc: object) -> None: ...


class WholeGroup:
    """The only member of its group: holds every partition from the start (embedded bus)."""

    def __init__(self, partitions: int, listener: PartitionListener) -> None:
        self._partitions = set(range(partitions))
        self._listener = listener
        listener.assigned(set(self._partitions))

    async def close(self) -> None:
        """Give the partitions back (to nobody)."""
        self._listener.revoked(set(self._partitions))


class Startable:
    """`async with bus:` starts it and closes it, for every bus implementation."""

    async def start(self) -> None:
        """Connect."""
        raise NotImplementedError

    async def close(self) -> None:
        """Disconnect."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def batches(consumer: Consumer, stop: StopSignal) -> AsyncIterator[list[Record]]:
    """Non-empty batches until `stop.stop`, or until the input is drained after `stop.drain`."""
    while not stop.stopping:
        records = await consumer.poll(timeout=0.5)
        if records:
            yield records
        elif stop.drain.is_set():
            return
