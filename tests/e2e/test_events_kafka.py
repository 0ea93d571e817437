"""Events end to end on Kafka: three processes, the notifier killed -9 between reports (#12)."""

import asyncio
from pathlib import Path

import pytest

from services.core.settings import KafkaSettings
from tests.e2e.event_stories import (
    ROUND_1,
    check_thread,
    feed_configs,
    round_2,
    serve,
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
            serve(feeds, ROUND_1)
            config = write_config(
                tmp_path / "redflag.yaml",
                feeds=feed_configs(feeds, interval=1),
                poller={"min_interval": 1, "default_interval": 1},
                kafka=kafka_section(kafka_settings),
            )
            stages = start_stages(tmp_path, config, kafka_settings, chat)
            try:
                await until(lambda: len(telegram(chat)) >= 4, 120)
                stages["notifier"].kill9()
                serve(feeds, round_2())
                await asyncio.sleep(4)  # the new reports reach the alerts topic meanwhile
                stages["notifier"].start()
                await until(lambda: len(telegram(chat)) >= 6, 120)
                await asyncio.sleep(4)  # redeliveries after the restart would show up now
            finally:
                codes = {name: stage.stop() for name, stage in stages.items()}
        check_thread(chat, grown=True)
        assert codes["poller"] == 0 and codes["classifier"] == 0, codes
