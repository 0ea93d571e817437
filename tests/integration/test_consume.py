"""The one consume step, on both buses: a record that does not decode and a record whose
handler keeps raising are each dead-lettered once, with one reason format, and the stream
goes on; a bus failure is not the message's fault and is never dead-lettered."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from schemas import DeadLetter
from services.core.bus import Bus, BusError
from services.core.consume import consume
from services.core.kafkabus import KafkaBus
from services.core.settings import KafkaSettings
from services.core.sqlitebus import SqliteBus


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: int
    text: str


@asynccontextmanager
async def open_bus(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Bus]:
    if kind == "sqlite":
        async with SqliteBus(tmp_path / "bus.db") as bus:
            yield bus
    else:
        settings: KafkaSettings = request.getfixturevalue("kafka_settings")
        async with KafkaBus(settings) as kafka:
            yield kafka


BUSES = [pytest.param("sqlite"), pytest.param("kafka", marks=pytest.mark.kafka)]


async def read_all(bus: Bus, topic: str, group: str, count: int) -> list[bytes]:
    consumer = await bus.consumer([topic], group)
    got: list[bytes] = []
    deadline = asyncio.get_running_loop().time() + 40
    while len(got) < count and asyncio.get_running_loop().time() < deadline:
        records = await consumer.poll(timeout=0.5)
        got += [r.value for r in records]
        await consumer.commit(records)
    await consumer.close()
    return got


@pytest.mark.parametrize("kind", BUSES)
async def test_poison_records_are_dead_lettered_once_and_the_stream_goes_on(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    topic, deadletter = "t.in", "t.dead"
    if kind == "kafka":
        settings: KafkaSettings = request.getfixturevalue("kafka_settings")
        topic, deadletter = settings.topics.articles, settings.topics.deadletter
    handled: list[int] = []
    calls: dict[int, int] = {}

    async def handle(note: Note) -> None:
        calls[note.n] = calls.get(note.n, 0) + 1
        if note.text == "boom":
            raise ZeroDivisionError("the handler divides by zero on this one")
        handled.append(note.n)

    async with open_bus(kind, tmp_path, request) as bus:
        values = [
            json.dumps({"n": 1, "text": "fine"}),
            json.dumps({"n": 2, "text": "boom"}),
            "{not json",
            json.dumps({"n": 4, "text": "fine", "extra": True}),
            json.dumps({"n": 5, "text": "fine"}),
        ]
        for value in values:
            await bus.send(topic, "same-key", value.encode())
        consumer = await bus.consumer([topic], "g.consume")
        seen = 0
        deadline = asyncio.get_running_loop().time() + 40
        while seen < len(values):
            assert asyncio.get_running_loop().time() < deadline
            for record in await consumer.poll(timeout=0.5):
                await consume(
                    record, Note, handle, stage="test", bus=bus, deadletter=deadletter, delay=0.01
                )
                await consumer.commit([record])
                seen += 1
        await consumer.close()
        letters = [
            DeadLetter.model_validate_json(v) for v in await read_all(bus, deadletter, "g.dead", 3)
        ]
    assert handled == [1, 5]
    assert calls[2] == 3  # retried, then given up
    assert [letter.stage for letter in letters] == ["test"] * 3
    assert [letter.reason for letter in letters] == [
        "test: ZeroDivisionError: the handler divides by zero on this one (3 attempts)",
        "test: ValidationError: invalid Note: Invalid JSON: key must be a string at line 1 "
        "column 2 (1 attempt)",
        "test: ValidationError: invalid Note: extra: Extra inputs are not permitted (1 attempt)",
    ]
    assert letters[0].payload == values[1]


async def test_a_bus_failure_is_raised_not_dead_lettered(tmp_path: Path) -> None:
    async def handle(_note: Note) -> None:
        raise BusError("the broker is away")

    async with SqliteBus(tmp_path / "bus.db") as bus:
        await bus.send("t.in", None, json.dumps({"n": 1, "text": "x"}).encode())
        consumer = await bus.consumer(["t.in"], "g")
        [record] = await consumer.poll(timeout=1)
        with pytest.raises(BusError):
            await consume(record, Note, handle, stage="test", bus=bus, deadletter="t.dead")
        assert await read_all(bus, "t.dead", "g.dead", 0) == []
