"""Issue #13's first "Done when", all at once: three notifier replicas, each with its own empty
state dir, behind one group; kill -9 one, add one, remove one; every alert arrives once, in
order per channel, at the channel's rate limit.

Real `redflag notifier` processes on the real broker (deliveries hop on, `on_uncertain:
skip`) route a stream of alerts from nine companies to two rate-limited channels of the local
chat server: a Telegram chat whose answers take a while (a kill -9 lands mid-send) and a
Slack incoming webhook. The stream outruns both limits, so each channel's window is full
whenever its deliveries partition moves: the kill -9 of the Telegram channel's sender, a new
replica joining, then a SIGTERM of the Slack channel's sender. At the chat server's arrival
times no span of a channel's period holds more than its limit (less a margin for the time
between the pacer's slot and the request's arrival): with a pacer per replica
(`deliveries_hop: false`) or a moved channel's pacer starting empty (not seeded,
paceseed.py) it would.
"""

import asyncio
import json
from pathlib import Path

import pytest

from services.core.settings import KafkaSettings
from tests.e2e.test_notifier_hosts_kafka import (
    CHAT,
    TELEGRAM,
    alert,
    in_order,
    once,
    publish,
    received,
    slack_stories,
    slow_telegram,
    until,
)
from tests.e2e.test_notifier_pacing_kafka import busiest, holdings, hop_hosts, settled
from tests.support.broker import Broker
from tests.support.chatserver import ChatServer
from tests.support.procs import Stage

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

HOOK = "T1/B1/XYZ"
#: channel -> (limit, period in seconds). Periods shorter than the group's session timeout
#: (6 s in tests): a kill -9's sends have left the window before the channel moves.
LIMITS = {"tg": (5, 4.0), "slack": (3, 3.0)}
PATHS = {"tg": "/bot", "slack": f"/services/{HOOK}"}
MARGIN = 0.5  # seconds: the claim's round trip to the changelog lies between slot and arrival
COUNT = 36


def sent_by(replica: Stage, channel: str) -> bool:
    """The replica has delivered some message to `channel`."""
    lines = [ln for ln in replica.log.splitlines() if '"alert_delivered"' in ln]
    return any(json.loads(ln)["channel"] == channel for ln in lines)


def stories(chat: ChatServer, channel: str) -> list[int]:
    """The story numbers `channel` took, in the order it took them."""
    return received(chat) if channel == "tg" else slack_stories(chat, HOOK)


async def test_three_replicas_kill_add_remove_once_in_order_at_each_channels_limit(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    """Slow (~45 s): 36 alerts paced at 5/4s and 3/3s, and the kill -9 waits out the group's
    6 s session timeout before its partitions move."""
    kafka = kafka_settings
    topic, partitions = kafka.topics.deliveries, kafka.partitions
    channels = [
        {"name": name, "url": url, "rate_limit": f"{LIMITS[name][0]}/{LIMITS[name][1]:.0f}s"}
        for name, url in (("tg", TELEGRAM), ("slack", f"slack://{HOOK}"))
    ]
    with ChatServer() as chat:
        slow_telegram(chat, 0.2, COUNT * 2)
        hosts = hop_hosts(tmp_path, kafka, chat, *channels, on_uncertain="skip")
        try:
            live = [hosts.start() for _ in range(3)]
            await until(lambda: settled(live, kafka.topics.alerts, partitions), 90)
            await until(lambda: settled(live, topic, partitions), 90)
            stream = asyncio.create_task(publish(kafka, [alert(n) for n in range(COUNT)], gap=0.25))
            await until(lambda: len(chat.telegram_messages(CHAT)) >= 6, 60)
            await until(lambda: any(sent_by(r, "slack") for r in live), 30)
            # settled: each replica holds one deliveries partition, i.e. one channel's
            [slack] = holdings(next(r for r in live if sent_by(r, "slack")), topic)
            killed = next(r for r in live if sent_by(r, "tg"))
            killed.kill9()  # the Telegram channel's sender, mid-stream
            live = [r for r in live if r is not killed] + [hosts.start()]  # a new host joins
            await until(lambda: settled(live, topic, partitions), 90)
            await until(lambda: len(chat.slack_messages(HOOK)) >= COUNT // 2, 90)
            [removed] = [r for r in live if slack in holdings(r, topic)]
            removed.stop()  # SIGTERM: hands the Slack channel over, its window full
            await stream
            for name in LIMITS:
                await until(
                    lambda name=name: (
                        len(set(stories(chat, name)) | hosts.uncertain_ids(name)) >= COUNT
                    ),
                    90,
                )
            await asyncio.sleep(2)  # a resend would show up now
        finally:
            hosts.stop_all()
    for name, (limit, period) in LIMITS.items():
        got, uncertain = stories(chat, name), hosts.uncertain_ids(name)
        skipped = once(got, COUNT, uncertain)
        in_order(got)
        arrivals = sorted(r.at for r in chat.to(PATHS[name]))
        most = busiest(arrivals, period - MARGIN)
        print(f"{name}: {len(got)} arrived, {len(uncertain)} uncertain ({len(skipped)} skipped)")
        assert most <= limit, f"{name}: {most} messages within {period - MARGIN}s"
    # a channel moved with sends in its window: its new owner counted them
    assert '"pacer_seeded"' in "".join(r.log for r in hosts.replicas)
