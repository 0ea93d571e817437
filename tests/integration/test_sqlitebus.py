"""The embedded bus keeps messages and group positions across a reopen."""

import asyncio
from pathlib import Path

from services.core.sqlitebus import SqliteBus


async def test_uncommitted_records_are_redelivered_after_reopen(tmp_path: Path) -> None:
    path = tmp_path / "bus.db"
    async with SqliteBus(path) as bus:
        for i in range(5):
            await bus.send("t", f"k{i}", f"v{i}".encode())
        consumer = await bus.consumer(["t"], "g")
        await bus.consumer(["t"], "other-group")  # known groups hold back pruning
        records = await consumer.poll(timeout=0)
        assert [r.value for r in records] == [f"v{i}".encode() for i in range(5)]
        # finish 0, 1 and 3: only the prefix 0..1 is committed
        await consumer.commit([records[0], records[1], records[3]])
        assert (bus.committed("g", "t"), bus.end_offset("t")) == (2, 5)  # 3 still to do
        assert bus.end_offset("never-sent") == 0

    async with SqliteBus(path) as bus:
        consumer = await bus.consumer(["t"], "g")
        again = await consumer.poll(timeout=0)
        assert [r.offset for r in again] == [2, 3, 4]
        other = await bus.consumer(["t"], "other-group")
        assert len(await other.poll(timeout=0)) == 5


async def test_poll_wakes_on_send(tmp_path: Path) -> None:
    async with SqliteBus(tmp_path / "bus.db") as bus:
        consumer = await bus.consumer(["t"], "g")
        waiter = asyncio.create_task(consumer.poll(timeout=5))
        await asyncio.sleep(0.05)
        await bus.send("t", None, b"x")
        records = await asyncio.wait_for(waiter, 2)
        assert [r.value for r in records] == [b"x"]


def stored(bus: SqliteBus, topic: str) -> list[int]:
    rows = bus.conn.execute("SELECT offset FROM log WHERE topic = ? ORDER BY offset", (topic,))
    return [int(r[0]) for r in rows]


async def test_commits_prune_only_what_every_group_has_read(tmp_path: Path) -> None:
    async with SqliteBus(tmp_path / "bus.db") as bus:
        fast = await bus.consumer(["t"], "fast")
        slow = await bus.consumer(["t"], "slow")
        for i in range(3):
            await bus.send("t", None, bytes([i]))
        await fast.commit(await fast.poll(timeout=0))
        assert stored(bus, "t") == [0, 1, 2]  # the slow group has read nothing
        assert bus.prune("t") == 0
        await slow.commit((await slow.poll(timeout=0))[:2])
        assert stored(bus, "t") == [2]  # pruned by the commit itself, no call needed


async def test_offsets_keep_growing_after_a_prune(tmp_path: Path) -> None:
    async with SqliteBus(tmp_path / "bus.db") as bus:
        consumer = await bus.consumer(["t"], "g")
        await bus.send("t", None, b"a")
        await bus.send("t", None, b"b")
        await consumer.commit(await consumer.poll(timeout=0))
        assert stored(bus, "t") == []
    async with SqliteBus(tmp_path / "bus.db") as bus:
        consumer = await bus.consumer(["t"], "g")
        await bus.send("t", None, b"c")
        [record] = await consumer.poll(timeout=0)
        assert (record.offset, record.value) == (2, b"c")
