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

    async def consumer(self, topics: Sequence[str], group: str) -> Consumer:
        """Join `group` on `topics`; the caller closes it."""
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
