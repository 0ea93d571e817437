"""Digests through the deliveries hop: paced by the channel's one sender, sent once.

Three real `redflag notifier` replicas (each its own empty state dir) hold alerts from many
companies for a digest channel, so every replica has a digest due at about the same moment.
With the hop each replica produces its digest to the channel's deliveries partition, and the
channel's sender sends them at the channel's rate limit; a kill -9 of that sender hands the
rest (and its pacer's window, from the restored rows) to another replica, and no alert is in
two digests.
"""

import asyncio
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from services.core.settings import KafkaSettings
from tests.e2e.test_notifier_hosts_kafka import CHAT, TELEGRAM, alert, publish, until
from tests.e2e.test_notifier_pacing_kafka import hop_hosts, settled
from tests.support.broker import Broker
from tests.support.chatserver import ChatServer

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

PERIOD = 4.0  # the channel's limit: one message per PERIOD seconds
STORY = re.compile(r"story (\d+)")


def digests(chat: ChatServer) -> list[list[int]]:
    """The stories of each digest that reached the chat, in arrival order."""
    return [[int(n) for n in STORY.findall(str(m["text"]))] for m in chat.telegram_messages(CHAT)]


async def test_digests_of_three_replicas_go_through_the_channels_sender_at_its_rate_once(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    count = 18  # small recalls from nine companies: held, on every replica's partitions
    channel = {
        "name": "tg",
        "url": TELEGRAM,
        "rate_limit": f"1/{PERIOD:.0f}s",
        "digest": {"every": "2s", "max_items": 25},
    }
    with ChatServer() as chat:
        hosts = hop_hosts(tmp_path, kafka_settings, chat, channel)
        try:
            replicas = [hosts.start() for _ in range(3)]
            topics, partitions = kafka_settings.topics, kafka_settings.partitions
            await until(lambda: settled(replicas, topics.alerts, partitions), 90)
            await until(lambda: settled(replicas, topics.deliveries, partitions), 90)
            await publish(kafka_settings, [alert(n) for n in range(count)])
            await until(lambda: len(chat.telegram_messages(CHAT)) >= 1, 60)
            # the chat has it before the sender logs it: wait for the log line too
            await until(lambda: any('"alert_delivered"' in r.log for r in replicas), 30)
            [sender] = [r for r in replicas if '"alert_delivered"' in r.log]
            await asyncio.sleep(0.3)  # between two paced sends: nothing in flight
            sender.kill9()
            await until(lambda: sum(len(d) for d in digests(chat)) >= count, 90)
            await asyncio.sleep(PERIOD + 1)  # a digest sent again would show up now
        finally:
            hosts.stop_all()
        sent = digests(chat)
        arrivals = sorted(r.at for r in chat.to("/bot") if r.accepted)
    routers = [r for r in replicas if '"digest_queued"' in r.log]
    assert len(routers) >= 2, "every replica holds alerts of its own partitions"
    twice = {n: c for n, c in Counter(n for d in sent for n in d).items() if c > 1}
    assert not twice, f"in two digests: {twice}"
    assert sorted(n for d in sent for n in d) == list(range(count))
    gaps = [b - a for a, b in pairwise(arrivals)]
    assert len(sent) >= 2 and min(gaps) >= PERIOD - 0.2, f"digests {gaps} s apart"
    senders = [r for r in replicas if '"alert_delivered"' in r.log]
    assert len(senders) <= 2, "sent by the channel's sender, and its successor after the kill"
