"""Alerts are keyed by company, so every report of its events reaches one notifier (#12)."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from schemas import Alert, Article
from services.app.settings import Settings
from services.classifier import stage
from services.core.lifecycle import StopSignal
from services.core.sqlitebus import SqliteBus

NOW = datetime.now(UTC)  # published an hour ago: news on any day


def article(n: int, title: str, lang: str) -> Article:
    return Article(
        id=f"art-{n}", feed="wire", title=title, lang=lang,
        published=NOW - timedelta(minutes=60 - n),
    )  # fmt: skip


async def test_alerts_of_one_company_share_a_key_in_any_language(tmp_path: Path) -> None:
    settings = Settings(
        state_dir=tmp_path,
        watchlist=[{"company": "Honda Motor", "tickers": ["HMC"], "aliases": ["Honda", "本田"]}],
    )
    topics = settings.kafka.topics
    async with SqliteBus(tmp_path / "bus.db") as bus:
        for a in (
            article(1, "Honda recalls 250,000 Accord sedans over faulty fuel pumps", "en"),
            article(2, "本田召回25万辆雅阁轿车", "zh"),
            article(3, "Nissan recalls 10,000 Leaf cars over battery fires", "en"),
        ):
            await bus.send(topics.articles, a.id, a.model_dump_json().encode())
        stop = StopSignal()
        stop.drain.set()
        await asyncio.wait_for(stage.run(settings, bus, stop), 30)
        consumer = await bus.consumer([topics.alerts], "test-reader")
        records = await consumer.poll(timeout=0.5)
        await consumer.close()
    keys = {Alert.model_validate_json(r.value).article_id: r.key for r in records}
    assert keys["art-1"] == keys["art-2"] == "honda motor"
    assert keys["art-3"] == "nissan"
