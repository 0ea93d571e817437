"""Poller replicas sharing feeds through a Kafka consumer group (`poller.assignment: kafka`).

Two replicas run in-process, each with its own KafkaBus and state_dir, against one local
feed server. Who polled what is read from each replica's own poller.db (`last_polled`).
"""

import asyncio
import time
import uuid
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from services.app.settings import Settings
from services.core.kafkabus import KafkaBus
from services.core.lifecycle import StopSignal
from services.core.settings import KafkaSettings
from services.poller.config import FeedConfig, PollerSettings
from services.poller.stage import run
from services.poller.state import StateStore
from tests.support.feedserver import FeedServer, Route, rss_feed

pytestmark = pytest.mark.kafka

FEEDS = 12
WINDOW = 2.0  # seconds; each feed is due every 0.3 s, so its owner polls it several times


def _settings(state: Path, urls: list[str], kafka: KafkaSettings, tag: str) -> Settings:
    return Settings(
        state_dir=state,
        feeds=tuple(FeedConfig(name=f"F{n}", url=url) for n, url in enumerate(urls)),
        kafka=kafka,
        poller=PollerSettings(
            parse_workers=1, default_interval=0.3, min_interval=0.1, jitter=0,
            assignment="kafka", feeds_topic=f"t{tag}.poller-slots", group=f"g{tag}.poller",
            slots=16, shutdown_grace=5, allow_private_feeds=True,
        ),
    )  # fmt: skip


def _polled_since(state: Path, since: float) -> set[str]:
    """Feeds this replica started polling at or after `since`."""
    path = state / "poller.db"
    if not path.exists():
        return set()
    store = StateStore(path, readonly=True)
    try:
        return {k for k, s in store.feeds().items() if (s.last_polled or 0) >= since}
    finally:
        store.close()


async def _window(states: list[Path]) -> list[set[str]]:
    start = time.time()
    await asyncio.sleep(WINDOW)
    return [_polled_since(state, start) for state in states]


def _partition(polled: list[set[str]], urls: list[str]) -> bool:
    """Every feed polled, by exactly one replica, and every replica has some."""
    return set().union(*polled) == set(urls) and all(polled) and sum(map(len, polled)) == FEEDS


async def test_replicas_split_feeds_and_take_over_when_one_leaves(
    tmp_path: Path, kafka_settings: KafkaSettings
) -> None:
    """Slow (~14 s): samples 2 s polling windows, five at least, across two rebalances
    (a replica joins, then leaves)."""
    tag = uuid.uuid4().hex[:8]  # the slots topic and group are this test's alone
    async with FeedServer() as server, AsyncExitStack() as stack:
        paths = [f"/f{n}.xml" for n in range(FEEDS)]
        for n, path in enumerate(paths):
            body = rss_feed([{"title": f"Story {n}", "guid": f"story-{n}"}])
            server.set(path, Route(body=body, etag=f'"v{n}"'))
        urls = [server.url(path) for path in paths]
        states = [tmp_path / f"r{i}" for i in (0, 1)]
        stops = [StopSignal(), StopSignal()]
        tasks: list[asyncio.Task[None]] = []

        async def start(i: int) -> None:
            bus = await stack.enter_async_context(KafkaBus(kafka_settings))
            settings = _settings(states[i], urls, kafka_settings, tag)
            tasks.append(asyncio.create_task(run(settings, bus, stops[i])))

        await start(0)
        try:
            # Alone in the group, replica 0 polls every feed.
            deadline = time.monotonic() + 60
            while (polled := await _window(states))[0] != set(urls):
                assert time.monotonic() < deadline, f"replica 0 never polled all: {polled[0]}"
            # Replica 1 joins; once the group settled, the feeds are split.
            await start(1)
            deadline = time.monotonic() + 60
            while not _partition(polled := await _window(states), urls):
                assert time.monotonic() < deadline, f"never split: {polled}"
                assert not any(t.done() for t in tasks), [t for t in tasks if t.done()]
            # From then on, no feed is polled by both replicas.
            for _ in range(3):
                polled = await _window(states)
                assert not polled[0] & polled[1], f"polled twice: {polled[0] & polled[1]}"
                assert _partition(polled, urls), polled

            stops[1].stop.set()  # replica 1 leaves the group
            await asyncio.wait_for(tasks[1], 30)
            left = time.time()
            deadline = time.monotonic() + 60
            while (polled := await _window(states))[0] != set(urls):
                assert time.monotonic() < deadline, f"replica 0 never took over: {polled[0]}"
            assert not _polled_since(states[1], left)
        finally:
            for stop in stops:
                stop.stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
        for task in tasks:
            assert task.exception() is None
