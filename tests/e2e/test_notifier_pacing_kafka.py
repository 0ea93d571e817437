"""One channel's rate limit and order across three notifier replicas (`notifier.deliveries_hop`).

Real `redflag notifier` processes (each its own empty state dir, one group) on the real broker
post to one Telegram chat on the local chat server, with the channel limited to 5 messages a
second. Alerts come from many companies, so every replica owns alerts partitions; with the
deliveries hop one replica owns the channel's deliveries partition and sends them all. Every
alert arrives once (ten of them published twice), no 0.8 s span of arrivals at the chat
holds more than 5 (a pacer per replica would let 3 x 5 through), and each company's alerts
arrive in order. A kill -9 of the channel's sender hands its partition, with its delivery
log, to another replica.
"""

import asyncio
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from services.core.settings import KafkaSettings
from tests.e2e.test_notifier_hosts_kafka import (
    CHAT,
    TELEGRAM,
    Hosts,
    alert,
    check_once,
    in_order,
    publish,
    received,
    slow_telegram,
    until,
)
from tests.support.broker import Broker
from tests.support.chatserver import ChatServer
from tests.support.procs import Stage, kafka_section, stage_env

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

RATE = 5  # messages per second, the channel's `rate_limit`
SPAN = 0.8  # seconds: shorter than the limit's period, so network jitter cannot fail it


def holdings(replica: Stage, topic: str) -> set[str]:
    """The partitions of `topic` the replica last said it was assigned."""
    held: set[str] = set()
    for line in replica.log.splitlines():
        if '"kafka_partitions_assigned"' not in line:
            continue
        parts = [p for p in json.loads(line)["partitions"] if p.rsplit("-", 1)[0] == topic]
        if parts:
            held = set(parts)
    return held


def settled(replicas: list[Stage], topic: str, partitions: int) -> bool:
    """Each replica holds some of `topic`'s partitions, and together all of them once."""
    held = [holdings(r, topic) for r in replicas]
    return all(held) and sum(len(h) for h in held) == partitions == len(set().union(*held))


def busiest(arrivals: list[float], span: float = SPAN) -> int:
    """The most arrivals within any `span` seconds."""
    most, start = 0, 0
    for end, at in enumerate(arrivals):
        while at - arrivals[start] >= span:
            start += 1
        most = max(most, end - start + 1)
    return most


def hop_hosts(
    tmp_path: Path,
    kafka: KafkaSettings,
    chat: ChatServer,
    *channels: dict[str, object],
    **notifier: object,
) -> Hosts:
    """Replicas on their own "hosts", sending `channels` through the deliveries hop (unless
    `notifier` settings say otherwise)."""
    hosts = Hosts(tmp_path, kafka, chat)
    notifier = {"deliveries_hop": True, **notifier}
    section = {"channels": list(channels), "kafka": kafka_section(kafka), "notifier": notifier}
    hosts.config = tmp_path / "hop.yaml"
    hosts.config.write_text(yaml.safe_dump(section), encoding="utf-8")
    return hosts


async def run_replicas(tmp_path: Path, kafka: KafkaSettings, *, hop: bool) -> None:
    count = 60
    config = tmp_path / "redflag.yaml"
    notifier = {"deliveries_hop": hop}
    channel = {"name": "tg", "url": TELEGRAM, "rate_limit": f"{RATE}/s"}
    section = {"channels": [channel], "kafka": kafka_section(kafka), "notifier": notifier}
    config.write_text(yaml.safe_dump(section), encoding="utf-8")
    with ChatServer() as chat:
        replicas: list[Stage] = []
        try:
            for n in range(3):
                env = {
                    "REDFLAG_CONFIG": str(config),
                    "REDFLAG_STATE_DIR": str(tmp_path / f"host-{n}"),
                    "REDFLAG_LOG__FORMAT": "json",
                    **chat.env(),
                }
                replicas.append(Stage(["notifier"], stage_env(env), tmp_path / f"h{n}.log"))
                replicas[-1].start()
            partitions = kafka.partitions
            await until(lambda: settled(replicas, kafka.topics.alerts, partitions), 90)
            if hop:
                await until(lambda: settled(replicas, kafka.topics.deliveries, partitions), 90)
            again = [alert(n) for n in range(10)]  # redelivered: the sender skips them
            await publish(kafka, [alert(n) for n in range(count)] + again)
            await until(lambda: len(chat.telegram_messages(CHAT)) >= count, 90)
            await asyncio.sleep(1)  # a resend would show up now
        finally:
            for replica in replicas:
                replica.stop()
        senders = [r for r in replicas if '"alert_delivered"' in r.log]
        got = received(chat)
        arrivals = sorted(r.at for r in chat.to("/bot") if r.accepted)
    if hop:
        assert len(senders) == 1  # the owner of the channel's deliveries partition
    twice = {n: c for n, c in Counter(got).items() if c > 1}
    assert not twice, f"sent twice: {twice}"
    assert sorted(got) == list(range(count))
    assert busiest(arrivals) <= RATE, f"{busiest(arrivals)} messages within {SPAN}s"
    in_order(got)


async def test_three_replicas_share_one_channels_rate_limit_through_the_deliveries_hop(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    await run_replicas(tmp_path, kafka_settings, hop=True)


async def test_the_channels_sender_killed_mid_stream_its_new_owner_sends_nothing_twice(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    count = 40
    channel = {"name": "tg", "url": TELEGRAM, "rate_limit": f"{RATE}/s"}
    with ChatServer() as chat:
        slow_telegram(chat, 0.3, count * 2)
        hosts = hop_hosts(tmp_path, kafka_settings, chat, channel)
        try:
            replicas = [hosts.start() for _ in range(3)]
            topic, partitions = kafka_settings.topics.deliveries, kafka_settings.partitions
            await until(lambda: settled(replicas, topic, partitions), 90)
            await publish(kafka_settings, [alert(n) for n in range(count)])
            await until(lambda: len(chat.telegram_messages(CHAT)) >= 10, 60)
            [sender] = [r for r in replicas if '"alert_delivered"' in r.log]
            await asyncio.sleep(0.15)  # inside the next send
            sender.kill9()
            await until(lambda: len(set(received(chat)) | hosts.uncertain_ids()) >= count, 90)
            await asyncio.sleep(2)  # a resend would show up now
        finally:
            hosts.stop_all()
        got, _ = check_once(hosts, chat, count)
        assert '"notifier_state_restored"' in "".join(r.log for r in replicas if r is not sender)
        in_order(got)


async def test_a_channel_moved_by_a_kill_9_keeps_its_rate_limit_on_its_new_owner(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    """The channel's sender sends a full window and is killed; the replica that takes the
    channel over (after the group's session timeout, well inside the window) counts those
    sends from the restored delivery rows, so its first send waits for the window to pass."""
    limit, period = 4, 20.0  # '4/20s': the move happens within the window
    channel = {"name": "tg", "url": TELEGRAM, "rate_limit": f"{limit}/{period:.0f}s"}
    with ChatServer() as chat:
        hosts = hop_hosts(tmp_path, kafka_settings, chat, channel)
        try:
            replicas = [hosts.start() for _ in range(2)]
            topic, partitions = kafka_settings.topics.deliveries, kafka_settings.partitions
            await until(lambda: settled(replicas, topic, partitions), 90)
            await publish(kafka_settings, [alert(n) for n in range(limit)])
            await until(lambda: len(chat.telegram_messages(CHAT)) >= limit, 60)
            [sender] = [r for r in replicas if '"alert_delivered"' in r.log]
            await asyncio.sleep(0.5)  # its last `delivered` row is in the changelog
            sender.kill9()
            await publish(kafka_settings, [alert(n) for n in range(limit, 2 * limit)])
            await until(lambda: len(chat.telegram_messages(CHAT)) >= 2 * limit, 90)
            await asyncio.sleep(1)  # a resend would show up now
        finally:
            hosts.stop_all()
        arrivals = sorted(r.at for r in chat.to("/bot") if r.accepted)
        got = received(chat)
    [survivor] = [r for r in replicas if r is not sender]
    assert sorted(got) == list(range(2 * limit))  # each once
    first, moved = arrivals[:limit], arrivals[limit:]
    waited = moved[0] - first[0]
    assert waited >= period - 0.2, f"the new owner sent {waited:.1f}s after the window began"
    assert '"pacer_seeded"' in survivor.log
