"""A partition revoked and given back to the same replica (an eager rebalance: a replica joins
or leaves) must not let a channel send its later jobs ahead of an earlier one, on the real
broker.

A channel worker asks whether it still owns a job's partition after the pacer lets it go.
A job whose turn comes while the partition is revoked is dropped, not committed, and its
record is read again once the partition is back. Jobs queued behind it were read under the
old assignment too: had they been sent because the partition is owned again by then, they
would arrive ahead of the dropped one's second reading (seen as a company's alerts out of
order on one channel in tests/e2e/test_notifier_replicas_kafka.py). So a revoke marks every
job of the partition still queued or waiting: each is dropped at its turn, and the records
are read again in order.
"""

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from services.app.settings import Settings
from services.core.bus import Record
from services.core.kafkabus import KafkaBus
from services.core.kafkagroup import ensure_topic
from services.core.lifecycle import StopSignal
from services.core.settings import KafkaSettings
from services.notifier.changelog import PartitionState
from services.notifier.channels import build
from services.notifier.crew import Crew
from services.notifier.deliverylog import DELIVERED, DeliveryLog
from services.notifier.jobs import REVOKED, Job, Ticket
from services.notifier.render import Rendered
from tests.support.broker import Broker
from tests.support.chatserver import ChatServer

pytestmark = pytest.mark.kafka

CHAT = "-100123"


async def test_jobs_read_before_a_revoke_are_not_sent_when_the_partition_comes_back(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    topics = kafka_settings.topics
    stop = StopSignal()
    finished: dict[str, str] = {}

    async def done(channel: str, job: Job, state: str) -> None:
        finished[job.key] = state

    with ChatServer() as chat:
        channel = {"name": "tg", "url": f"tgram://123456:ABCdef/{CHAT}", "rate_limit": "1/2s"}
        notifier = {"endpoints": chat.endpoints}
        settings = Settings(
            state_dir=tmp_path, kafka=kafka_settings, channels=[channel], notifier=notifier
        )
        tg = build(settings.channels[0], settings.notifier)
        deliveries = DeliveryLog(tmp_path / "notifier-sender.db")
        async with KafkaBus(kafka_settings) as bus:
            await ensure_topic(kafka_settings, topics.deliveries, kafka_settings.partitions, stop)
            changelog = await bus.changelog(topics.sender_state, topics.deliveries, 3600)
            state = PartitionState(changelog, deliveries, stop, resend=False)
            crew = Crew(
                [tg],
                settings=settings,
                bus=bus,
                deliveries=deliveries,
                stop=stop,
                done=done,
                gate=state,
                thread_prefix="test-send",
            )
            state.quiesce = crew.quiesce  # as the sender and the router wire it
            try:
                await state.assigned({0})
                for n in range(3):  # read in this order from deliveries partition 0
                    record = Record(topics.deliveries, 0, n, "tg", b"")
                    message = Rendered("", f"story {n}", "text", "info")
                    job = Job(key=f"alert-{n}", message=message, ticket=Ticket(record, 1))
                    crew.workers["tg"].queue.put_nowait(job)
                await asyncio.wait_for(_until(lambda: "alert-0" in finished), 10)
                # alert-1 waits for the pacer (1/2s), alert-2 behind it: the partition goes
                await state.revoked({0})
                await asyncio.wait_for(_until(lambda: "alert-1" in finished), 10)
                await state.assigned({0})  # ... and comes back here
                await asyncio.wait_for(_until(lambda: "alert-2" in finished), 10)
            finally:
                stop.stop.set()
                await crew.close()
                await changelog.close()
                deliveries.close()
    assert finished == {"alert-0": DELIVERED, "alert-1": REVOKED, "alert-2": REVOKED}
    assert [m["text"] for m in chat.telegram_messages(CHAT)] == ["story 0"]


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.02)
