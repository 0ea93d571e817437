"""What the notifier's state changelog costs: one channel, limits lifted, with and without it.

    .venv/bin/python -m benchmarks.bench_changelog [--alerts 400] [--rounds 2]

Starts its own broker (as the test suite does: tests/support/broker.py) and a chat server on
loopback, publishes `--alerts` alerts keyed over 8 companies (3 partitions), and runs the
notifier in this process until the chat has all of them: first with `notifier.changelog:
false`, then true, `--rounds` times. Prints deliveries per second and this process's CPU per
delivery (the chat server's threads included, the same in both).
"""

import argparse
import asyncio
import json
import logging
import tempfile
import time
import uuid
from pathlib import Path

import structlog

from services.app.settings import Settings
from services.core.kafkabus import KafkaBus
from services.core.lifecycle import StopSignal
from services.core.settings import Groups, KafkaSettings, Topics
from services.notifier import stage
from tests.integration.test_notifier_changelog import CHAT, TELEGRAM, distinct
from tests.support.broker import kafka_broker
from tests.support.chatserver import ChatServer


async def one_run(
    bootstrap: str, chat: ChatServer, work: Path, count: int, on: bool
) -> dict[str, float]:
    tag = uuid.uuid4().hex[:8]
    kafka = KafkaSettings(
        bootstrap_servers=bootstrap,
        topics=Topics(
            articles=f"{tag}.articles",
            alerts=f"{tag}.alerts",
            deadletter=f"{tag}.dl",
            notifier_state=f"{tag}.state",
        ),
        groups=Groups(classifier=f"{tag}.c", notifier=f"{tag}.n"),
        partitions=3,
    )
    settings = Settings(
        state_dir=work / tag,
        kafka=kafka,
        channels=[{"name": "tg", "url": TELEGRAM}],
        notifier={
            "endpoints": chat.endpoints,
            "pacing": False,
            "changelog": on,
            "deliveries_hop": False,  # the cost of item 1's changelog alone
        },
    )
    alerts = [a.model_copy(update={"id": f"{tag}-{i}"}) for i, a in enumerate(distinct(count))]
    async with KafkaBus(kafka) as bus:
        for a in alerts:
            await bus.send(kafka.topics.alerts, a.event.company, a.model_dump_json().encode())
        before = len(chat.telegram_messages(CHAT))
        stop = StopSignal()
        task = asyncio.create_task(stage.run(settings, bus, stop))
        await arrived(chat, before + 1)  # joined, restored, the first one out
        started, cpu = time.monotonic(), time.process_time()
        await arrived(chat, before + count)
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        stop.stop.set()
        await task
    return {
        "changelog": on,
        "deliveries": count - 1,
        "seconds": round(seconds, 2),
        "deliveries_per_s": round((count - 1) / seconds),
        "cpu_ms_per_delivery": round(cpu / (count - 1) * 1000, 2),
    }


async def arrived(chat: ChatServer, total: int) -> None:
    """Until the chat has `total` Telegram messages (polled: the server is another thread)."""
    while len(chat.telegram_messages(CHAT)) < total:  # noqa: ASYNC110
        await asyncio.sleep(0.005)


async def main(count: int, rounds: int) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    with (
        tempfile.TemporaryDirectory() as tmp,
        kafka_broker(Path(tmp) / "broker") as broker,
        ChatServer() as chat,
    ):
        for _ in range(rounds):
            for on in (False, True):
                result = await one_run(broker.bootstrap, chat, Path(tmp), count, on)
                print(json.dumps(result), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(main(args.alerts, args.rounds))
