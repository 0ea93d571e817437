"""End to end on Kafka: three `redflag` processes on a real broker, killed with -9 mid-stream."""

import asyncio
from pathlib import Path

import pytest

from services.core.settings import KafkaSettings
from tests.e2e.checks import assert_delivered_once
from tests.e2e.stories import BASIC, Story, recall_stream, rss, write_config
from tests.support.chatserver import ChatServer
from tests.support.drained import kafka_drained, until
from tests.support.feedserver import FeedServer, Route
from tests.support.procs import kafka_section, start_stages, stop_all

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
    """Slow (~8 s): three `redflag` processes each join Kafka, then two more 1 s polls must
    pass and be handled to show nothing repeats."""
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
                # two more polls, and everything they published handled: nothing may repeat
                polled = feeds.hits("/wire.xml")
                await until(lambda: feeds.hits("/wire.xml") >= polled + 2, 30)
                await kafka_drained(kafka_settings)
            finally:
                codes = await stop_all(stages)
        for story in BASIC:
            assert_delivered_once(chat, story)
        assert codes == {"poller": 0, "classifier": 0, "notifier": 0}, {
            n: s.log[-2000:] for n, s in stages.items()
        }


async def test_kill_9_of_every_stage_loses_nothing_and_repeats_nothing(
    tmp_path: Path, kafka_settings: KafkaSettings
) -> None:
    """Slow (~30 s): the restarted members wait out the killed ones' 6 s session, then 20
    alerts go to one Slack channel at its 1 message/s."""
    # 20 stories: Telegram takes 20 messages a minute in a group, which the notifier keeps to;
    # a 21st would wait out the minute (24 made this test take 90 s instead of 30)
    stories = recall_stream(20)
    first, second = stories[:10], stories[10:]
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
                await until(lambda: feeds.hits("/b.xml") >= 1, 30)
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
                # every record committed by the restarted members: redeliveries are behind us
                await kafka_drained(kafka_settings)
            finally:
                await stop_all(stages)
        for story in first + second:
            assert_delivered_once(chat, story)
