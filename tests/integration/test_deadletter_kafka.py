"""`redflag deadletter` on the Kafka runner reads the changelog and replays through the sender.

A notifier replica (in this process, the deliveries hop on, its own state dir) dead-letters
alerts while the chat answers 500; the real `redflag deadletter` command then runs from a
*different*, empty state dir, as an operator on another host would: `list` finds the dead
deliveries in the changelog topics, `replay` has the channel's sender send each once, and
replaying again, or twice at the same moment, sends nothing more.
"""

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import yaml

from services.app.settings import Settings
from services.core.kafkabus import KafkaBus
from services.core.lifecycle import StopSignal
from services.core.settings import KafkaSettings
from services.notifier import stage
from services.notifier.deadlog import DEAD
from services.notifier.deliverylog import DELIVERED, DeliveryLog
from services.notifier.senderlog import SENDER_LOG
from tests.e2e.test_notifier_hosts_kafka import until
from tests.integration.test_notifier_changelog import CHAT, TELEGRAM, distinct, publish
from tests.support.broker import Broker
from tests.support.chatserver import ChatServer, chat_server
from tests.support.procs import kafka_section

__all__ = ["chat_server"]

pytestmark = pytest.mark.kafka

TELEGRAM_PATH = "/bot123456:ABCdef/"
TOKEN = "ABCdef"
REDFLAG = str(Path(sys.executable).with_name("redflag"))


def redflag(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("REDFLAG_")}
    return subprocess.run(
        [REDFLAG, *args], check=False, capture_output=True, text=True, timeout=120, env=env, cwd=cwd
    )


async def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command, in a thread: the replica in this process keeps running meanwhile."""
    return await asyncio.to_thread(redflag, *args, cwd=cwd)


def host_a(tmp_path: Path, kafka: KafkaSettings, chat: ChatServer) -> Settings:
    """The notifier replica on host A; its sends are given up after 1 s."""
    return Settings(
        state_dir=tmp_path / "host-a",
        kafka=kafka,
        channels=[{"name": "tg", "url": TELEGRAM, "max_delay": "1s"}],
        notifier={
            "endpoints": chat.endpoints,
            "pacing": False,
            "backoff_base": 0.1,
            "backoff_max": 0.3,
        },
    )


@asynccontextmanager
async def running(s: Settings) -> AsyncIterator[None]:
    """The replica, in this process, until the block ends."""
    stop = StopSignal()
    async with KafkaBus(s.kafka) as bus:
        task = asyncio.create_task(stage.run(s, bus, stop))
        try:
            yield
            assert not task.done(), task
        finally:
            stop.stop.set()
            await asyncio.wait_for(task, 30)


def dead_on_host_a(s: Settings) -> int:
    path = s.state_dir / SENDER_LOG
    if not path.is_file():
        return 0
    log = DeliveryLog(path)
    try:
        return len(log.dead())
    finally:
        log.close()


def operator_config(tmp_path: Path, kafka: KafkaSettings, chat: ChatServer) -> Path:
    """The operator's config on another host: the same channels and Kafka, an empty state dir."""
    config = tmp_path / "operator.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "state_dir": str(tmp_path / "operator-host"),
                "kafka": kafka_section(kafka),
                "channels": [{"name": "tg", "url": TELEGRAM}],
                "notifier": {"endpoints": chat.endpoints},
            }
        ),
        encoding="utf-8",
    )
    return config


def texts(chat: ChatServer) -> list[str]:
    return [json.dumps(m, ensure_ascii=False) for m in chat.telegram_messages(CHAT)]


async def test_dead_deliveries_are_listed_from_the_changelog_and_replayed_once_by_their_sender(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker, chat_server: ChatServer
) -> None:
    a = host_a(tmp_path, kafka_settings, chat_server)
    chat_server.hold_until(TELEGRAM_PATH, 600.0, status=500)
    await publish(kafka_settings, distinct(2))
    async with running(a):
        await until(lambda: dead_on_host_a(a) == 2, 60)
    chat_server.hold_until(TELEGRAM_PATH, 0.0)  # the service is back
    config = str(operator_config(tmp_path, kafka_settings, chat_server))

    listed = await cli("deadletter", "list", "-c", config, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert sorted(line.split()[3:5] for line in lines) == [["alert-0", "tg"], ["alert-1", "tg"]]
    assert all("not delivered within 1 s" in line for line in lines), lines
    assert TOKEN not in listed.stdout + listed.stderr
    assert not (tmp_path / "operator-host" / "notifier.db").exists()  # read-only, no cache

    # asked twice while no sender runs: both requests wait in the channel's partition
    for _ in range(2):
        asked = await cli(
            "deadletter", "replay", "alert-1", "--wait", "0", "-c", config, cwd=tmp_path
        )
        assert asked.returncode == 0, asked.stderr
        assert asked.stdout.startswith("alert-1 -> tg: requested; not settled within 0 s")
    async with running(a):  # the channel's sender reads both: it sends once
        await until(lambda: len(chat_server.telegram_messages(CHAT)) >= 1, 60)
        await asyncio.sleep(2)  # a second send would show up now
        assert len(chat_server.telegram_messages(CHAT)) == 1, texts(chat_server)
        assert "delayed" in texts(chat_server)[0] and "(1)" in texts(chat_server)[0]

        one = await cli("deadletter", "replay", "-c", config, cwd=tmp_path)  # all still dead
        assert one.returncode == 0, one.stderr
        assert one.stdout.startswith("alert-0 -> tg: sent (delayed"), one.stdout
        assert TOKEN not in one.stdout + one.stderr
        assert len(chat_server.telegram_messages(CHAT)) == 2

        again = await cli("deadletter", "replay", "alert-0", "-c", config, cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert again.stdout.strip() == "alert-0: nothing dead-lettered (tg: delivered)"
        await asyncio.sleep(1)
    assert len(chat_server.telegram_messages(CHAT)) == 2, texts(chat_server)
    log = DeliveryLog(a.state_dir / SENDER_LOG)  # the sender's own record
    assert log.counts() == {DELIVERED: 2} and DEAD not in log.counts()
    log.close()
    after = await cli("deadletter", "list", "-c", config, cwd=tmp_path)
    assert after.stdout.strip() == "no dead-lettered deliveries", after.stdout


async def test_deadletter_on_kafka_refuses_bad_input_with_exit_2(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker, chat_server: ChatServer
) -> None:
    config = str(operator_config(tmp_path, kafka_settings, chat_server))
    bad_since = await cli("deadletter", "list", "--since", "soon", "-c", config, cwd=tmp_path)
    assert bad_since.returncode == 2 and "not a duration" in bad_since.stderr
    bad_wait = await cli("deadletter", "replay", "--wait", "long", "-c", config, cwd=tmp_path)
    assert bad_wait.returncode == 2 and "--wait" in bad_wait.stderr
    both = await cli("deadletter", "list", "--kafka", "--local", "-c", config, cwd=tmp_path)
    assert both.returncode == 2 and "not allowed with" in both.stderr
    nothing = await cli("deadletter", "list", "-c", config, cwd=tmp_path)  # no topic yet
    assert nothing.returncode == 0, nothing.stderr
    assert nothing.stdout.startswith("no dead-lettered deliveries: no notifier state in Kafka")
