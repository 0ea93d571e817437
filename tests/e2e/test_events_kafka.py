"""Events end to end on Kafka: three processes, the notifier killed -9 between reports (#12)."""

import asyncio
from pathlib import Path

import pytest

from services.core.settings import KafkaSettings
from tests.e2e.event_stories import (
    FEEDS,
    ROUND_1,
    check_thread,
    documents,
    round_2,
    telegram,
    until,
)
from tests.e2e.stories import write_config
from tests.support.chatserver import ChatServer
from tests.support.feedserver import FeedServer
from tests.support.procs import kafka_section, start_stages

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


async def test_one_event_one_alert_update_threaded_across_a_kill_9(
    tmp_path: Path, kafka_settings: KafkaSettings
) -> None:
    with ChatServer() as chat:
        async with FeedServer() as feeds:
            for path, body in documents(ROUND_1).items():
                feeds.set(path, body)
            config = write_config(
                tmp_path / "redflag.yaml",
                feeds=[
                    {"name": n, "url": feeds.url(f"/{n}.xml"), "interval": 1, "allow_private": True}
                    for n in FEEDS
                ],
                poller={"min_interval": 1, "default_interval": 1},
                kafka=kafka_section(kafka_settings),
            )
            stages = start_stages(tmp_path, config, kafka_settings, chat)
            try:
                await until(lambda: len(telegram(chat)) >= 4, 120)
                stages["notifier"].kill9()
                for path, body in documents(round_2()).items():
                    feeds.set(path, body)
                await asyncio.sleep(4)  # the new reports reach the alerts topic meanwhile
                stages["notifier"].start()
                await until(lambda: len(telegram(chat)) >= 6, 120)
                await asyncio.sleep(4)  # redeliveries after the restart would show up now
            finally:
                codes = {name: stage.stop() for name, stage in stages.items()}
        check_thread(chat, grown=True)
        assert codes["poller"] == 0 and codes["classifier"] == 0, codes
