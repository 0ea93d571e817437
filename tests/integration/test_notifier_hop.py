"""The deliveries hop in this process, on the real broker (`notifier.deliveries_hop`).

A replica routes an alert to `redflag.deliveries` and sends it from there; what the sender
does with the message is checked at the local chat server.
"""

import asyncio
import json
import time
from pathlib import Path

import pytest

from services.app.settings import Settings
from services.core.bus import BusError
from services.core.kafkabus import KafkaBus
from services.core.kafkagroup import ensure_topic
from services.core.lifecycle import StopSignal
from services.core.settings import KafkaSettings
from services.notifier import stage
from services.notifier.deadletters import list_dead, replay
from services.notifier.senderlog import SENDER_LOG
from tests.e2e.test_notifier_hosts_kafka import until
from tests.integration.test_notifier_changelog import (
    CHAT,
    TELEGRAM,
    distinct,
    publish,
    recall,
    run_until,
)
from tests.support.broker import Broker
from tests.support.chatserver import ChatServer, Reply, chat_server

__all__ = ["chat_server"]

pytestmark = pytest.mark.kafka

TELEGRAM_PATH = "/bot123456:ABCdef/"


def hop_host(
    tmp_path: Path, kafka: KafkaSettings, chat: ChatServer, **notifier: object
) -> Settings:
    return Settings(
        state_dir=tmp_path / "host",
        kafka=kafka,
        channels=[{"name": "tg", "url": TELEGRAM}],
        notifier={"endpoints": chat.endpoints, "pacing": False, "deliveries_hop": True, **notifier},
    )


async def test_an_alert_late_through_an_outage_says_delayed_through_the_hop(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker, chat_server: ChatServer
) -> None:
    s = hop_host(
        tmp_path, kafka_settings, chat_server, delayed_after=1, backoff_base=0.1, backoff_max=0.5
    )
    await publish(kafka_settings, distinct(1))
    chat_server.hold_until(TELEGRAM_PATH, 120.0, status=500)
    sent = asyncio.create_task(
        run_until(s, lambda: len(chat_server.telegram_messages(CHAT)) >= 1, 90)
    )
    await until(lambda: len(chat_server.to(TELEGRAM_PATH)) >= 1, 60)  # the first try failed
    await asyncio.sleep(1.5)
    chat_server.hold_until(TELEGRAM_PATH, 0.0)  # the outage ends
    await sent

    [message] = chat_server.telegram_messages(CHAT)
    assert "delayed" in json.dumps(message, ensure_ascii=False), message
    assert (tmp_path / "host" / "notifier-sender.db").is_file()  # sent by the hop's sender


async def test_a_refused_send_on_the_hop_is_listed_and_replayed_from_the_senders_log(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker, chat_server: ChatServer
) -> None:
    s = hop_host(tmp_path, kafka_settings, chat_server)
    chat_server.script(TELEGRAM_PATH, Reply(400, {"ok": False, "description": "chat not found"}))
    await publish(kafka_settings, distinct(1))
    await run_until(s, lambda: (tmp_path / "host" / SENDER_LOG).is_file() and dead(s), 60)

    [row] = list_dead(s, None, None)
    assert (row.alert_id, row.channel) == ("alert-0", "tg")
    result = await replay(s)
    assert result.failed == 0 and "sent" in result.lines[0], result.lines
    assert len(chat_server.telegram_messages(CHAT)) == 1
    assert list_dead(s, None, None) == []


@pytest.mark.parametrize(
    ("units", "title", "says"),
    [
        (100_000, None, "REPORT 2"),  # the same figures: a thread reply
        (1_200_000, "Ford expands its recall to 1.2 million cars", "100,000 → 1,200,000"),
    ],
)
async def test_a_thread_reply_or_update_late_through_an_outage_says_delayed_through_the_hop(
    tmp_path: Path,
    kafka_settings: KafkaSettings,
    full_kafka: Broker,
    chat_server: ChatServer,
    units: int,
    title: str | None,
    says: str,
) -> None:
    """A later report's view needs the event's state, which the router has: the sender
    renders it again from what the `Delivery` carries, with "delayed N min"."""
    s = hop_host(
        tmp_path, kafka_settings, chat_server, delayed_after=1, backoff_base=0.1, backoff_max=0.5
    )
    await publish(kafka_settings, [recall(1, "Ford", 100_000)])
    sent = asyncio.create_task(
        run_until(s, lambda: len(chat_server.telegram_messages(CHAT)) >= 2, 90)
    )
    await until(lambda: len(chat_server.telegram_messages(CHAT)) >= 1, 60)  # the opener
    chat_server.hold_until(TELEGRAM_PATH, 120.0, status=500)
    tries = len(chat_server.to(TELEGRAM_PATH))
    later = recall(2, "Ford", units, source="CNBC", minutes=5)
    later = later.model_copy(update={"title": title or later.title})
    await publish(kafka_settings, [later])
    await until(lambda: len(chat_server.to(TELEGRAM_PATH)) > tries, 60)  # its first try failed
    await asyncio.sleep(1.5)
    chat_server.hold_until(TELEGRAM_PATH, 0.0)  # the outage ends
    await sent

    opener, message = chat_server.telegram_messages(CHAT)
    assert "delayed" not in opener["text"]
    assert message.get("reply_to_message_id") is not None  # under its opener, as routed
    assert says in message["text"] and "delayed" in message["text"], message["text"]


def dead(s: Settings) -> bool:
    return bool(list_dead(s, None, None))


async def test_a_sender_that_cannot_start_stops_the_notifier_with_its_error(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker, chat_server: ChatServer
) -> None:
    """The senders' changelog sized unlike the deliveries topic: the router alone would fill
    the topic with nobody sending, so the notifier stops and says why."""
    s = hop_host(tmp_path, kafka_settings, chat_server)
    await ensure_topic(kafka_settings, kafka_settings.topics.sender_state, 1, asyncio.Event())
    async with KafkaBus(kafka_settings) as bus:
        began = time.monotonic()
        with pytest.raises(BusError, match="must match"):
            await asyncio.wait_for(stage.run(s, bus, StopSignal()), 45)
    assert time.monotonic() - began < 30  # it stopped by itself, not at the test's timeout
