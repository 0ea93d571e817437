"""The notifier's state travels with its alerts partitions (issue #13 item 1), on the real broker.

Each test runs notifiers in this process on the KafkaBus, each with its own state dir (its own
"host"), publishes alerts keyed by company as the classifier does, and watches the local chat
server: a replica that takes partitions over with an empty state dir restores them from the
changelog topic before it handles a record, so nothing is sent twice.
"""

import asyncio
import contextlib
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog
from aiokafka.errors import KafkaError

from schemas.alert import Alert, Event, Facts
from services.app.settings import Settings
from services.core.kafkabus import KafkaBus
from services.core.lifecycle import StopSignal
from services.core.settings import KafkaSettings
from services.notifier import stage
from services.notifier.changelog import NOTIFIER_STATE_RESTORED
from services.notifier.config import ChannelConfig
from services.notifier.deliverylog import DELIVERED, DeliveryLog
from tests.support.broker import Broker
from tests.support.chatserver import ChatServer, chat_server
from tests.support.kafkaoffsets import behind, rewind

__all__ = ["chat_server"]

pytestmark = pytest.mark.kafka

TELEGRAM = "tgram://123456:ABCdef/-100123"
CHAT = "-100123"
NOW = datetime.now(UTC)
COMPANIES = ("Ford", "Boeing", "Airbus", "Nestle", "Siemens", "Toyota", "Bayer", "Volvo")


def recall(n: int, company: str, units: int, *, source: str = "Reuters", minutes: int = 0) -> Alert:
    return Alert(
        id=f"alert-{n}",
        article_id=f"art-{n}",
        title=f"{company} recalls {units:,} cars ({n})",
        link=f"https://news{n}.example/recall",
        source=source,
        published=NOW - timedelta(hours=1) + timedelta(minutes=minutes),
        lang="en",
        event=Event(
            type="recall",
            confidence=0.9,
            company=company,
            tickers=(),
            facts=Facts(units=units),
            on_watchlist=True,
        ),
    )


def distinct(count: int) -> list[Alert]:
    """`count` alerts of different events, spread over the partitions by company."""
    return [recall(n, COMPANIES[n % len(COMPANIES)], 1000 * (n + 1)) for n in range(count)]


def host(tmp_path: Path, name: str, kafka: KafkaSettings, chat: ChatServer) -> Settings:
    """One notifier replica's settings: its own state dir, as on its own host."""
    return Settings(
        state_dir=tmp_path / name,
        kafka=kafka,
        channels=[{"name": "tg", "url": TELEGRAM}],
        # one hop: these tests read the deliveries in notifier.db (the hop's sender keeps
        # them in notifier-sender.db: tests/integration/test_notifier_hop.py)
        notifier={"endpoints": chat.endpoints, "pacing": False, "deliveries_hop": False},
    )


async def publish(kafka: KafkaSettings, alerts: Sequence[Alert]) -> None:
    async with KafkaBus(kafka) as bus:
        for a in alerts:  # keyed by company, as the classifier keys them
            await bus.send(kafka.topics.alerts, a.event.company, a.model_dump_json().encode())


async def run_until(s: Settings, done: Callable[[], bool], timeout: float = 60.0) -> None:
    """One replica on its own KafkaBus until `done()` holds, then a clean stop."""
    stop = StopSignal()
    async with KafkaBus(s.kafka) as bus:
        task = asyncio.create_task(stage.run(s, bus, stop))
        try:
            deadline = asyncio.get_running_loop().time() + timeout
            while not done():
                assert asyncio.get_running_loop().time() < deadline, "condition not met"
                assert not task.done(), task
                await asyncio.sleep(0.05)
        finally:
            stop.stop.set()
            await asyncio.wait_for(task, 30)


async def run_to_end(s: Settings, settle: float = 1.0) -> None:
    """Run a replica until its group has committed every alert, and `settle` s more."""
    state = {"behind": 1}

    async def watch() -> None:
        while True:
            with contextlib.suppress(KafkaError):  # e.g. no coordinator before the group exists
                state["behind"] = await behind(
                    s.kafka, s.kafka.groups.notifier, s.kafka.topics.alerts
                )
            await asyncio.sleep(0.3)

    watcher = asyncio.create_task(watch())
    try:
        await run_until(s, lambda: state["behind"] == 0)
        await asyncio.sleep(settle)
    finally:
        watcher.cancel()


def sent(chat: ChatServer) -> Counter[str]:
    """How often each alert's headline reached the chat."""
    texts = [m["text"] for m in chat.telegram_messages(CHAT)]
    return Counter(t.split("</a>")[0].rsplit(">", 1)[-1] for t in texts)


async def test_a_replica_with_an_empty_state_dir_sends_nothing_twice(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker, chat_server: ChatServer
) -> None:
    alerts = distinct(8)
    await publish(kafka_settings, alerts)
    a = host(tmp_path, "host-a", kafka_settings, chat_server)
    await run_until(a, lambda: len(chat_server.telegram_messages(CHAT)) >= 8)
    await rewind(kafka_settings, kafka_settings.groups.notifier, kafka_settings.topics.alerts)

    b = host(tmp_path, "host-b", kafka_settings, chat_server)  # nothing in its state dir
    with structlog.testing.capture_logs() as logs:
        await run_to_end(b)
    counts = sent(chat_server)
    assert len(counts) == 8 and set(counts.values()) == {1}, counts
    # restored before handling: every redelivered alert found the row A wrote, and B never
    # claimed it (one attempt, A's)
    log = DeliveryLog(b.state_dir / "notifier.db")
    try:
        assert {log.state(x.id, "tg") for x in alerts} == {DELIVERED}
        assert {log.attempts(x.id, "tg") for x in alerts} == {1}
    finally:
        log.close()
    restored = [e for e in logs if e["event"] == NOTIFIER_STATE_RESTORED]
    assert sum(e["rows"] for e in restored) > 0
    assert {e["from_offset"] for e in restored} == {0}  # a new cache: from the start


async def test_a_lost_cache_is_rebuilt_and_a_kept_one_restores_from_its_checkpoint(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker, chat_server: ChatServer
) -> None:
    await publish(kafka_settings, distinct(6))
    b = host(tmp_path, "host-b", kafka_settings, chat_server)
    await run_until(b, lambda: len(chat_server.telegram_messages(CHAT)) >= 6)

    group, topic = kafka_settings.groups.notifier, kafka_settings.topics.alerts
    await rewind(kafka_settings, group, topic)
    with structlog.testing.capture_logs() as kept:  # the same cache: only what is new
        await run_to_end(b)
    assert {e["rows"] for e in kept if e["event"] == NOTIFIER_STATE_RESTORED} == {0}
    assert all(e["from_offset"] > 0 for e in kept if e["event"] == NOTIFIER_STATE_RESTORED)

    shutil.rmtree(b.state_dir)  # the disk is gone; the checkpoint with it
    await rewind(kafka_settings, group, topic)
    with structlog.testing.capture_logs() as lost:
        await run_to_end(b)
    rebuilt = [e for e in lost if e["event"] == NOTIFIER_STATE_RESTORED]
    assert {e["from_offset"] for e in rebuilt} == {0} and sum(e["rows"] for e in rebuilt) > 0
    counts = sent(chat_server)
    assert len(counts) == 6 and set(counts.values()) == {1}, counts


async def test_event_state_travels_a_later_report_is_threaded_by_the_new_owner(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker, chat_server: ChatServer
) -> None:
    first = recall(1, "Ford", 100_000)
    repeat = recall(2, "Ford", 100_000, source="CNBC", minutes=5)
    await publish(kafka_settings, [first])
    a = host(tmp_path, "host-a", kafka_settings, chat_server)
    await run_to_end(a, settle=0)
    assert len(chat_server.telegram_messages(CHAT)) == 1

    await publish(kafka_settings, [repeat])
    b = host(tmp_path, "host-b", kafka_settings, chat_server)  # A's state never on this disk
    await run_to_end(b)
    messages: list[dict[str, Any]] = chat_server.telegram_messages(CHAT)
    assert len(messages) == 2
    assert "reply_to_message_id" not in messages[0]
    assert messages[1].get("reply_to_message_id") is not None  # a thread reply, not an alert
    assert "REPORT 2" in messages[1]["text"]


async def test_held_alerts_move_with_their_partition_and_go_out_in_one_digest(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker, chat_server: ChatServer
) -> None:
    alerts = distinct(4)  # small recalls: not critical, so held for the digest
    await publish(kafka_settings, alerts)
    a = host(tmp_path, "host-a", kafka_settings, chat_server)
    a = a.model_copy(update={"channels": (digest_channel("1h"),)})
    await run_to_end(a, settle=0)  # every alert held (and committed), no digest due yet
    assert chat_server.telegram_messages(CHAT) == []

    b = host(tmp_path, "host-b", kafka_settings, chat_server)
    b = b.model_copy(update={"channels": (digest_channel("1s"),)})
    await run_until(b, lambda: len(chat_server.telegram_messages(CHAT)) >= 1)
    await rewind(kafka_settings, kafka_settings.groups.notifier, kafka_settings.topics.alerts)
    await run_to_end(b, settle=2.5)  # the same alerts again, and a digest tick or two
    messages = chat_server.telegram_messages(CHAT)
    assert len(messages) == 1, [m["text"][:80] for m in messages]
    assert all(x.title.split(" (")[0] in messages[0]["text"] for x in alerts)


def digest_channel(every: str) -> ChannelConfig:
    return ChannelConfig.model_validate(
        {"name": "tg", "url": TELEGRAM, "digest": {"every": every, "max_items": 25}}
    )
