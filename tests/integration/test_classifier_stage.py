"""The classifier stage on a real broker: alerts out, poison to the dead-letter topic, and
offsets committed only after the output is acknowledged."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from schemas import Alert, Article, DeadLetter
from services.app.settings import Settings
from services.classifier import stage
from services.core.kafkabus import KafkaBus
from services.core.lifecycle import StopSignal
from services.core.settings import KafkaSettings

pytestmark = pytest.mark.kafka

RECALL = Article(
    id="art-recall-1",
    feed="wire",
    title="Honda recalls 250,000 Accord sedans over faulty fuel pumps",
    summary="Honda Motor is recalling about 250,000 Accord sedans in the United States because "
    "the fuel pump can fail and stall the engine, the carmaker said on Tuesday.",
    link="https://news.example.com/honda-recall",
    published=datetime.now(UTC) - timedelta(hours=1),
    lang="en",
)


async def drain(bus: KafkaBus, topic: str, group: str, count: int) -> list[bytes]:
    consumer = await bus.consumer([topic], group)
    values: list[bytes] = []
    deadline = asyncio.get_running_loop().time() + 40
    try:
        while len(values) < count and asyncio.get_running_loop().time() < deadline:
            values += [r.value for r in await consumer.poll(timeout=0.5)]
    finally:
        await consumer.close()
    return values


async def test_poison_is_dead_lettered_and_the_stream_goes_on(
    kafka_settings: KafkaSettings,
) -> None:
    settings = Settings(
        kafka=kafka_settings,
        watchlist=[{"company": "Honda Motor", "tickers": ["HMC", "7267.T"], "aliases": ["Honda"]}],
    )
    topics = kafka_settings.topics
    async with KafkaBus(kafka_settings) as bus:
        await bus.send(topics.articles, "bad-1", b"{this is not json")
        await bus.send(topics.articles, "bad-2", b'{"schema_version": 9, "id": "x"}')
        await bus.send(topics.articles, RECALL.id, RECALL.model_dump_json().encode())

        stop = StopSignal()
        task = asyncio.create_task(stage.run(settings, bus, stop))
        alerts = await drain(bus, topics.alerts, "test-alerts", 1)
        letters = await drain(bus, topics.deadletter, "test-dead", 2)
        stop.stop.set()
        await asyncio.wait_for(task, 30)

        # committed: a restarted classifier in the same group has nothing left to do
        again = await bus.consumer([topics.articles], kafka_settings.groups.classifier)
        leftover = []
        for _ in range(6):
            leftover += await again.poll(timeout=0.5)
        await again.close()

    [alert] = [Alert.model_validate_json(v) for v in alerts]
    assert alert.event.type == "recall"
    assert alert.event.company == "Honda Motor"
    assert "HMC" in alert.event.tickers
    assert alert.event.facts.units == 250_000
    assert alert.article_id == RECALL.id
    dead = sorted((DeadLetter.model_validate_json(v) for v in letters), key=lambda d: d.key or "")
    assert [d.key for d in dead] == ["bad-1", "bad-2"]
    assert all(
        d.stage == "classifier"
        and d.reason.startswith("classifier: ValidationError: invalid Article")
        for d in dead
    )
    assert dead[0].payload == "{this is not json"
    assert leftover == []
