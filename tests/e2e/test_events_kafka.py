"""Events end to end on Kafka: three processes, the notifier killed -9 between reports (#12)."""

from pathlib import Path

import pytest

from services.core.settings import KafkaSettings
from tests.e2e.event_stories import (
    ROUND_1,
    check_thread,
    documents,
    feed_configs,
    round_2,
    serve,
    telegram,
)
from tests.e2e.stories import write_config
from tests.support.chatserver import ChatServer
from tests.support.drained import kafka_backlog, kafka_drained, pipeline, until
from tests.support.feedserver import FeedServer
from tests.support.procs import kafka_section, start_stages, stop_all

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


@pytest.mark.parametrize("hop", [False, True], ids=["one-hop", "deliveries-hop"])
async def test_one_event_one_alert_update_threaded_across_a_kill_9(
    tmp_path: Path, kafka_settings: KafkaSettings, hop: bool
) -> None:
    """Slow (~17 s): three processes on Kafka; the restarted notifier waits out the killed
    one's 6 s session, and Telegram takes 1 message/s per chat. With the deliveries hop, the
    reports are threaded from the sender's own rows (the opener's message id)."""
    with ChatServer() as chat:
        async with FeedServer() as feeds:
            serve(feeds, ROUND_1)
            config = write_config(
                tmp_path / "redflag.yaml",
                feeds=feed_configs(feeds, interval=1),
                poller={"min_interval": 1, "default_interval": 1},
                kafka=kafka_section(kafka_settings),
                notifier={"deliveries_hop": hop},
            )
            stages = start_stages(tmp_path, config, kafka_settings, chat)
            try:
                await until(lambda: len(telegram(chat)) >= 4, 120)
                stages["notifier"].kill9()
                serve(feeds, round_2())
                polled = {path: feeds.hits(path) for path in documents(round_2())}
                # the new reports reach the alerts topic while the notifier is down: every
                # feed polled twice since, and the classifier has handled all it was sent
                await until(lambda: all(feeds.hits(p) >= n + 2 for p, n in polled.items()), 60)
                classifier, notifier = pipeline(kafka_settings)
                await kafka_drained(kafka_settings, [classifier])
                assert await kafka_backlog(kafka_settings, [notifier]) > 0  # waiting for it
                stages["notifier"].start()
                await until(lambda: len(telegram(chat)) >= 6, 120)
                # every record committed by the restarted notifier: redeliveries are behind us
                await kafka_drained(kafka_settings)
            finally:
                codes = await stop_all(stages)
        check_thread(chat, grown=True)
        assert codes["poller"] == 0 and codes["classifier"] == 0, codes
