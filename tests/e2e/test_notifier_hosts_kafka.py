"""Notifier replicas on different "hosts" (each its own empty state dir), one group, kill -9.

Real `redflag notifier` processes on the real broker post to the local chat server, whose
Telegram answers take a while, so a kill -9 lands mid-send. Every alert must reach the chat
once: a replica that takes a partition over restores its state from the changelog topic
before it handles a record. An alert whose send was in flight at a kill may be skipped
(`on_uncertain: skip`, docs/notifier.md "Exactly once"): only when a replica logged it as
`delivery_uncertain`, and never sent twice.
"""

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from schemas.alert import Alert, Event, Facts
from services.core.kafkabus import KafkaBus
from services.core.settings import KafkaSettings
from services.notifier.slacklookup import DELIVERY_UNCERTAIN
from tests.support.broker import Broker
from tests.support.chatserver import ChatServer, Reply, default_reply, slack_text
from tests.support.procs import Stage, kafka_section, stage_env

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

TELEGRAM = "tgram://123456:ABCdef/-100123"
SLACK_BOT = "slack://xoxb-1234-1234-abc124/#markets"
POST = "/api/chat.postMessage"
CHAT = "-100123"
COMPANIES = ("Ford", "Boeing", "Airbus", "Nestle", "Siemens", "Toyota", "Bayer", "Volvo", "Acme")
NOW = datetime.now(UTC)


def alert(n: int) -> Alert:
    company = COMPANIES[n % len(COMPANIES)]
    return Alert(
        id=f"alert-{n}",
        article_id=f"art-{n}",
        title=f"{company} recalls cars, story {n}",
        link=f"https://news.example/{n}",
        source="Reuters",
        published=NOW - timedelta(hours=2) + timedelta(seconds=n),
        lang="en",
        event=Event(
            type="recall",
            confidence=0.9,
            company=company,
            tickers=(),
            facts=Facts(units=1000 * (n + 1)),  # each its own event: every one is an alert
            on_watchlist=True,
        ),
    )


class Hosts:
    """Notifier replicas, each on its own state dir (its own "host")."""

    def __init__(
        self, tmp_path: Path, kafka: KafkaSettings, chat: ChatServer, url: str = TELEGRAM
    ) -> None:
        self.tmp = tmp_path
        self.config = tmp_path / "redflag.yaml"
        self.config.write_text(
            yaml.safe_dump(
                {
                    "channels": [{"name": "tg", "url": url}],
                    "kafka": kafka_section(kafka),
                    "notifier": {"pacing": False},
                }
            ),
            encoding="utf-8",
        )
        self.chat = chat
        self.replicas: list[Stage] = []

    def start(self, host: str | None = None) -> Stage:
        """A new replica with an empty state dir, as on a new host (or on `host`'s)."""
        name = host or f"host-{len(self.replicas)}"
        env = stage_env(
            {
                "REDFLAG_CONFIG": str(self.config),
                "REDFLAG_STATE_DIR": str(self.tmp / name),
                "REDFLAG_LOG__FORMAT": "json",
                **self.chat.env(),
            }
        )
        replica = Stage(["notifier"], env, self.tmp / f"{name}-{len(self.replicas)}.log").start()
        self.replicas.append(replica)
        return replica

    def uncertain(self, channel: str | None = None) -> set[str]:
        """Alerts some replica settled as uncertain (its send's outcome unknown), on
        `channel` or on any."""
        out = set()
        for replica in self.replicas:
            for line in replica.log.splitlines():
                if f'"{DELIVERY_UNCERTAIN}"' in line:
                    entry = json.loads(line)
                    if channel is None or entry["channel"] == channel:
                        out.add(entry["alert_id"])
        return out

    def uncertain_ids(self, channel: str | None = None) -> set[int]:
        """The story numbers of `uncertain(channel)`."""
        return {int(a.split("-")[1]) for a in self.uncertain(channel)}

    def stop_all(self) -> None:
        for replica in self.replicas:
            replica.stop()


def received(chat: ChatServer) -> list[int]:
    """The story number of each Telegram message, in the order the chat took them."""
    out = []
    for message in chat.telegram_messages(CHAT):
        out.append(int(str(message["text"]).split("story ", 1)[1].split("<", 1)[0]))
    return out


async def publish(kafka: KafkaSettings, alerts: Sequence[Alert], gap: float = 0.0) -> None:
    async with KafkaBus(kafka) as bus:
        for a in alerts:  # keyed by company, as the classifier keys them
            await bus.send(kafka.topics.alerts, a.event.company, a.model_dump_json().encode())
            await asyncio.sleep(gap)


async def until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met"
        await asyncio.sleep(0.1)


def slow_telegram(chat: ChatServer, seconds: float, count: int = 500) -> None:
    """Each Telegram send takes `seconds`: a kill -9 lands in the middle of one."""
    chat.script(
        "/bot",
        *(Reply(200, default_reply("/bot", n).body, delay=seconds) for n in range(1, count)),
    )


def check_once(hosts: Hosts, chat: ChatServer, count: int) -> tuple[list[int], set[int]]:
    """Nothing twice; each alert delivered, or skipped where a replica said it was uncertain."""
    got = received(chat)
    return got, once(got, count, hosts.uncertain_ids())


def once(got: list[int], count: int, uncertain: set[int]) -> set[int]:
    """`got` (story numbers as a chat took them) holds none twice and each of `count` stories,
    but those skipped as `uncertain`; returns the skipped."""
    twice = {n: c for n, c in Counter(got).items() if c > 1}
    assert not twice, f"sent twice: {twice}"
    skipped = set(range(count)) - set(got)
    assert skipped <= uncertain, f"lost without a word: {sorted(skipped - uncertain)}"
    return skipped


def in_order(got: list[int]) -> None:
    """Each company's stories (one company: one alerts partition) in the order published."""
    for company in range(len(COMPANIES)):
        stories = [n for n in got if n % len(COMPANIES) == company]
        assert stories == sorted(stories), (company, stories)


async def test_a_replica_on_a_new_host_after_a_kill_9_sends_nothing_twice(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    count = 24
    with ChatServer() as chat:
        slow_telegram(chat, 0.6)
        await publish(kafka_settings, [alert(n) for n in range(count)])
        hosts = Hosts(tmp_path, kafka_settings, chat)
        try:
            a = hosts.start()
            await until(lambda: len(chat.telegram_messages(CHAT)) >= 6, 60)
            await asyncio.sleep(0.3)  # inside the next send
            a.kill9()
            hosts.start()  # host B: an empty state dir, the same group
            await until(lambda: len(set(received(chat)) | hosts.uncertain_ids()) >= count, 90)
            await asyncio.sleep(2)  # a resend would show up now
        finally:
            hosts.stop_all()
        check_once(hosts, chat, count)


async def test_a_replica_on_a_new_host_during_an_outage_retries_what_failed(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    """A failed try reaches the changelog before the back-off, so the replica that takes the
    partition over from one killed -9 while backing off finds a failed try, not a send in
    flight: it retries and delivers instead of skipping the alert as uncertain (an hour-long
    outage under faults skipped an alert at almost every move to a new host)."""
    with ChatServer() as chat:
        chat.hold_until("/bot", 20.0, status=500)
        await publish(kafka_settings, [alert(0)])
        hosts = Hosts(tmp_path, kafka_settings, chat)
        try:
            first = hosts.start()
            await until(lambda: len(chat.to("/bot")) >= 2, 60)  # failed twice: backing off
            await asyncio.sleep(0.3)  # inside the back-off (>= 1.5 s), not inside a send
            first.kill9()
            hosts.start()
            await until(lambda: bool(received(chat)) or bool(hosts.uncertain()), 90)
            await asyncio.sleep(1)  # a second send would show up now
        finally:
            hosts.stop_all()
    assert hosts.uncertain() == set()
    assert received(chat) == [0]


async def test_three_replicas_kill_add_remove_every_alert_once_in_order(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    count = 60
    with ChatServer() as chat:
        slow_telegram(chat, 0.25, count * 2)
        hosts = Hosts(tmp_path, kafka_settings, chat)
        try:
            replicas = [hosts.start() for _ in range(3)]
            stream = asyncio.create_task(
                publish(kafka_settings, [alert(n) for n in range(count)], gap=0.25)
            )
            await until(lambda: len(chat.telegram_messages(CHAT)) >= 8, 60)
            replicas[0].kill9()  # mid-stream, mid-send
            hosts.start()  # a new host joins
            await until(lambda: len(chat.telegram_messages(CHAT)) >= 25, 90)
            replicas[1].stop()  # SIGTERM: leaves the group, hands its partitions over
            await until(lambda: len(chat.telegram_messages(CHAT)) >= 35, 90)
            hosts.start()
            await stream
            await until(lambda: len(set(received(chat)) | hosts.uncertain_ids()) >= count, 120)
            await asyncio.sleep(2)
        finally:
            hosts.stop_all()
        got, _ = check_once(hosts, chat, count)
        in_order(got)


def slack_stories(chat: ChatServer, hook: str | None = None) -> list[int]:
    """The story number of each Slack bot message (or, given its path 'T/B/X', each message
    to an incoming webhook), in the order the chat took them."""
    payloads = chat.slack_api_messages() if hook is None else chat.slack_messages(hook)
    texts = [slack_text(p) for p in payloads]
    return [int(t.split("story ", 1)[1].split(">", 1)[0].split("|", 1)[0]) for t in texts]


async def test_a_slack_bot_send_cut_by_a_kill_9_is_looked_up_by_the_new_host(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    count = 10
    with ChatServer() as chat:
        chat.script(POST, *(Reply(200, default_reply(POST, n).body, delay=0.6) for n in range(99)))
        await publish(kafka_settings, [alert(n) for n in range(count)])
        hosts = Hosts(tmp_path, kafka_settings, chat, SLACK_BOT)
        try:
            first = hosts.start()
            await until(lambda: len(chat.slack_api_messages()) >= 3, 60)
            await asyncio.sleep(0.3)  # inside the next send
            first.kill9()
            hosts.start()  # a new host: it restores the claim and asks Slack about it
            await until(lambda: len(set(slack_stories(chat))) >= count, 90)
            await asyncio.sleep(2)  # a resend would show up now
        finally:
            hosts.stop_all()
    assert sorted(slack_stories(chat)) == list(range(count))  # each once, none skipped
    assert hosts.uncertain() == set()
    assert '"delivery_confirmed"' in hosts.replicas[1].log
