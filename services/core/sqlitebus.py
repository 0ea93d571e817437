"""The embedded bus: a durable single-partition log per topic in one SQLite file.

`redflag run` needs no broker, yet a crash must lose nothing: every `send` is a committed
row before it returns, and consumer groups keep committed offsets beside the log, exactly
as Kafka would. Everything runs on the caller's event loop; SQLite calls are short.
"""

import asyncio
import contextlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from services.core.bus import (
    AssignmentListener,
    BusError,
    PartitionListener,
    Record,
    Startable,
    WholeGroup,
)
from services.core.offsets import PartitionProgress
from services.core.sqlite import Periodic, connect, migrate, transaction

# Versioned layout (PRAGMA user_version): append a migration, never edit a released one.
_V1 = """
CREATE TABLE IF NOT EXISTS log (
    topic TEXT NOT NULL, offset INTEGER NOT NULL, key TEXT, value BLOB NOT NULL,
    PRIMARY KEY (topic, offset)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS heads (
    topic TEXT PRIMARY KEY, next_offset INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_offsets (
    grp TEXT NOT NULL, topic TEXT NOT NULL, next_offset INTEGER NOT NULL,
    PRIMARY KEY (grp, topic)
) WITHOUT ROWID;
"""
MIGRATIONS = (_V1,)


#: How often a consumer's commit also drops records every group has finished with.
PRUNE_EVERY = 60.0


class SqliteBus(Startable):
    """Implements `services.core.bus.Bus` on one SQLite file (or ':memory:').

    Records every group has committed past are deleted as consumers commit (at most once a
    minute per consumer), so a long-running `redflag run` keeps the file small.
    """

    def __init__(self, path: Path | str) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._changed = asyncio.Condition()

    @property
    def conn(self) -> sqlite3.Connection:
        """The open connection (after `start`)."""
        if self._conn is None:
            raise RuntimeError("SqliteBus used before start()")
        return self._conn

    async def start(self) -> None:
        """Open the file and create the tables."""
        if self._conn is None:
            self._conn = connect(self._path)
            migrate(self._conn, MIGRATIONS, name=str(self._path))

    async def close(self) -> None:
        """Close the file."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def send(self, topic: str, key: str | None, value: bytes) -> None:
        """Append one message; it is committed to disk when this returns."""
        try:
            with transaction(self.conn) as conn:
                # offsets only grow, even after `prune` has emptied the log (as in Kafka)
                (offset,) = conn.execute(
                    "INSERT INTO heads (topic, next_offset) VALUES (?, 1) ON CONFLICT (topic) "
                    "DO UPDATE SET next_offset = next_offset + 1 RETURNING next_offset - 1",
                    (topic,),
                ).fetchone()
                conn.execute(
                    "INSERT INTO log (topic, offset, key, value) VALUES (?, ?, ?, ?)",
                    (topic, offset, key, value),
                )
        except sqlite3.Error as exc:  # a full or read-only disk: not the message's fault
            raise BusError(f"embedded bus could not store the message: {exc}") from exc
        async with self._changed:
            self._changed.notify_all()

    async def consumer(
        self, topics: Sequence[str], group: str, listener: AssignmentListener | None = None
    ) -> "SqliteConsumer":
        """A consumer of `topics` resuming from `group`'s committed offsets; it holds
        everything for good, so `listener` is never called."""
        await self.start()
        return SqliteConsumer(self, tuple(topics), group)

    async def changelog(self, topic: str, like: str, retention_s: float) -> None:
        """None: one process owns the one file, so its state needs no changelog."""
        return

    async def group_member(
        self, topic: str, group: str, partitions: int, listener: PartitionListener
    ) -> WholeGroup:
        """One process reads this bus: it holds every partition of every group."""
        return WholeGroup(partitions, listener)

    async def wait_for_change(self, timeout: float) -> None:
        """Sleep until something is sent or `timeout` passes."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)

    def committed(self, group: str, topic: str) -> int:
        """The next offset `group` will read from `topic`."""
        row = self.conn.execute(
            "SELECT next_offset FROM group_offsets WHERE grp = ? AND topic = ?", (group, topic)
        ).fetchone()
        return int(row[0]) if row else 0

    def end_offset(self, topic: str) -> int:
        """The offset the next record sent to `topic` gets (Kafka's log-end offset): a group
        whose `committed` offset has reached it has finished everything sent so far."""
        row = self.conn.execute(
            "SELECT next_offset FROM heads WHERE topic = ?", (topic,)
        ).fetchone()
        return int(row[0]) if row else 0

    def store_offset(self, group: str, topic: str, next_offset: int) -> None:
        """Persist `group`'s position in `topic`."""
        self.conn.execute(
            "INSERT INTO group_offsets (grp, topic, next_offset) VALUES (?, ?, ?) "
            "ON CONFLICT (grp, topic) DO UPDATE SET next_offset = excluded.next_offset",
            (group, topic, next_offset),
        )

    def prune(self, topic: str) -> int:
        """Drop records every known group has committed past; returns how many."""
        row = self.conn.execute(
            "SELECT MIN(next_offset) FROM group_offsets WHERE topic = ?", (topic,)
        ).fetchone()
        if row is None or row[0] is None:
            return 0
        cur = self.conn.execute("DELETE FROM log WHERE topic = ? AND offset < ?", (topic, row[0]))
        return cur.rowcount


class SqliteConsumer:
    """One group member; the embedded bus has a single partition (0) per topic."""

    def __init__(self, bus: SqliteBus, topics: tuple[str, ...], group: str) -> None:
        self._bus = bus
        self._topics = topics
        self._group = group
        self._position = {t: bus.committed(group, t) for t in topics}
        self._progress = {t: PartitionProgress() for t in topics}
        self._prune = Periodic(PRUNE_EVERY)
        for topic in topics:  # register the group so pruning waits for it
            bus.store_offset(group, topic, self._position[topic])

    async def poll(self, timeout: float, max_records: int = 500) -> list[Record]:
        """Next records after our position, waiting up to `timeout` for some."""
        records = self._read(max_records)
        if not records and timeout > 0:
            await self._bus.wait_for_change(timeout)
            records = self._read(max_records)
        return records

    def _read(self, max_records: int) -> list[Record]:
        out: list[Record] = []
        for topic in self._topics:
            rows = self._bus.conn.execute(
                "SELECT offset, key, value FROM log WHERE topic = ? AND offset >= ? "
                "ORDER BY offset LIMIT ?",
                (topic, self._position[topic], max_records - len(out)),
            ).fetchall()
            for offset, key, value in rows:
                out.append(Record(topic, 0, int(offset), key, bytes(value)))
                self._progress[topic].handed_out(int(offset))
                self._position[topic] = int(offset) + 1
            if len(out) >= max_records:
                break
        return out

    async def commit(self, records: Sequence[Record]) -> None:
        """Mark records finished and persist the contiguous finished prefix."""
        touched = set()
        for record in records:
            self._progress[record.topic].finished(record.offset)
            touched.add(record.topic)
        for topic in touched:
            nxt = self._progress[topic].committable()
            if nxt is not None:
                self._bus.store_offset(self._group, topic, nxt)
        if touched and self._prune.due():
            for topic in touched:
                self._bus.prune(topic)

    @property
    def pending(self) -> int:
        """Records handed out and not finished."""
        return sum(p.pending for p in self._progress.values())

    async def close(self) -> None:
        """Nothing to flush: commits are written as they happen."""
