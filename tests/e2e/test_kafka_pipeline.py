"""End to end on Kafka: three `redflag` processes on a real broker, killed with -9 mid-stream."""

import asyncio
from pathlib import Path

import pytest

from services.core.settings import KafkaSettings
from tests.e2e.checks import assert_delivered_once
from tests.e2e.stories import BASIC, Story, recall_stream, rss, write_config
from tests.support.chatserver import ChatServer
from tests.support.feedserver import FeedServer, Route
from tests.support.procs import kafka_section, start_stages

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


async def wait_for_messages(chat: ChatServer, count: int, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while len([r for r in chat.requests if r.accepted]) < count:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{len(chat.requests)} of {count} chat messages after {timeout}s")
        await asyncio.sleep(0.2)


def expected_messages(stories: list[Story]) -> int:
    return sum(2 for s in stories if s.type)  # one Slack channel + Telegram each


async def test_pipeline_on_kafka_delivers_each_event_once(
    tmp_path: Path, kafka_settings: KafkaSettings
) -> None:
    with ChatServer() as chat:
        async with FeedServer() as feeds:
            feeds.set("/wire.xml", rss(BASIC))
            config = write_config(
                tmp_path / "redflag.yaml",
                feeds=[{"name": "wire", "url": feeds.url("/wire.xml"), "interval": 1}],
                poller={"min_interval": 1, "default_interval": 1, "allow_private_feeds": True},
                kafka=kafka_section(kafka_settings),
            )
            stages = start_stages(tmp_path, config, kafka_settings, chat)
            try:
                await wait_for_messages(chat, expected_messages(BASIC), timeout=90)
                await asyncio.sleep(3)  # several more polls: nothing may repeat
            finally:
                codes = {name: stage.stop() for name, stage in stages.items()}
        for story in BASIC:
            assert_delivered_once(chat, story)
        assert codes == {"poller": 0, "classifier": 0, "notifier": 0}, {
            n: s.log[-2000:] for n, s in stages.items()
        }


async def test_kill_9_of_every_stage_loses_nothing_and_repeats_nothing(
    tmp_path: Path, kafka_settings: KafkaSettings
) -> None:
    first, second = recall_stream(24)[:12], recall_stream(24)[12:]
    with ChatServer() as chat:
        async with FeedServer() as feeds:
            feeds.set("/a.xml", rss(first, "A"))
            # feed B answers slowly, so a poller killed while fetching it has published A only
            feeds.set("/b.xml", Route(body=rss(second, "B"), delay=3.0))
            config = write_config(
                tmp_path / "redflag.yaml",
                feeds=[
                    {"name": "a", "url": feeds.url("/a.xml"), "interval": 1},
                    {"name": "b", "url": feeds.url("/b.xml"), "interval": 1},
                ],
                poller={"min_interval": 1, "default_interval": 1, "allow_private_feeds": True},
                notifier={"max_attempts": 3},
                kafka=kafka_section(kafka_settings),
            )
            stages = start_stages(tmp_path, config, kafka_settings, chat)
            try:
                # poller: killed while feed B is in flight, then restarted
                await _until(lambda: feeds.hits("/b.xml") >= 1, 30)
                stages["poller"].kill9()
                stages["poller"].start()
                # notifier: killed after its first deliveries, mid-stream
                await wait_for_messages(chat, 3, timeout=90)
                stages["notifier"].kill9()
                # classifier: killed while articles are still flowing
                stages["classifier"].kill9()
                stages["classifier"].start()
                stages["notifier"].start()
                await wait_for_messages(chat, expected_messages(first + second), timeout=120)
                await asyncio.sleep(4)  # redeliveries after the rebalance would show up now
            finally:
                for stage in stages.values():
                    stage.stop()
        for story in first + second:
            assert_delivered_once(chat, story)


async def _until(predicate, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)
