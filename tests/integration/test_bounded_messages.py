"""Messages past the schema's maximum lengths are dead-lettered with the reason, and the
stage goes on (issue 11: nothing produced straight to the bus can stall a stage)."""

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from schemas import Alert, Article, DeadLetter
from schemas.limits import MAX_CONTENT
from services.app.settings import Settings
from services.classifier import stage as classifier
from services.core.lifecycle import StopSignal
from services.core.sqlitebus import SqliteBus
from services.notifier import stage as notifier
from tests.integration.test_notifier_stage import SLACK, alert, dead_letters, drain
from tests.integration.test_notifier_stage import settings as notifier_settings
from tests.support.chatserver import ChatServer, chat_server

__all__ = ["chat_server"]  # the fixture, imported for pytest

RECALL = Article(
    id="art-recall-1",
    feed="wire",
    title="Honda recalls 250,000 Accord sedans over faulty fuel pumps",
    summary="Honda Motor is recalling about 250,000 Accord sedans because the fuel pump can fail.",
    link="https://news.example.com/honda-recall",
    published=datetime.now(UTC),
    lang="en",
)


async def read(bus: SqliteBus, topic: str) -> list[bytes]:
    consumer = await bus.consumer([topic], "test-reader")
    records = await consumer.poll(0.05, max_records=100)
    await consumer.close()
    return [r.value for r in records]


async def test_oversized_article_is_dead_lettered_with_the_reason(tmp_path: Path) -> None:
    settings = Settings(
        state_dir=tmp_path,
        watchlist=[{"company": "Honda Motor", "tickers": ["HMC"], "aliases": ["Honda"]}],
    )
    topics = settings.kafka.topics
    huge = RECALL.model_dump(mode="json") | {"id": "huge", "content": "recall " * MAX_CONTENT}
    async with SqliteBus(tmp_path / "bus.db") as bus:
        await bus.send(topics.articles, "huge", json.dumps(huge).encode())
        await bus.send(topics.articles, RECALL.id, RECALL.model_dump_json().encode())
        stop = StopSignal()
        task = asyncio.create_task(classifier.run(settings, bus, stop))
        for _ in range(400):
            if await read(bus, topics.alerts) and await read(bus, topics.deadletter):
                break
            await asyncio.sleep(0.05)
        stop.stop.set()
        await asyncio.wait_for(task, 30)
        [letter] = [DeadLetter.model_validate_json(v) for v in await read(bus, topics.deadletter)]
        [out] = [Alert.model_validate_json(v) for v in await read(bus, topics.alerts)]
    assert letter.key == "huge"
    assert "content" in letter.reason
    assert f"at most {MAX_CONTENT} characters" in letter.reason
    assert out.article_id == RECALL.id  # the stream went on


async def test_oversized_alert_is_dead_lettered_with_the_reason(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = notifier_settings(tmp_path, chat_server, [{"name": "slack", "url": SLACK}], pacing=False)
    big = alert(1).model_dump(mode="json") | {"id": "big", "title": "Recall " + "x" * 5000}
    async with SqliteBus(":memory:") as bus:
        await bus.send(s.kafka.topics.alerts, "big", json.dumps(big).encode())
        await bus.send(s.kafka.topics.alerts, alert(2).id, alert(2).model_dump_json().encode())
        await drain(s, bus)
        [letter] = await dead_letters(bus, s)
    assert letter.key == "big"
    assert letter.reason.startswith("notifier: ValidationError: invalid Alert: title")
    assert "at most 1000 characters" in letter.reason
    assert len(chat_server.slack_messages()) == 1
    assert letter.stage == notifier.STAGE
