"""A send cut by a kill -9 and settled when its replica restarts reaches the changelog.

A real `redflag notifier` is killed mid-send (the chat holds its answer), then restarted on
the same state dir: it settles the leftover `attempting` row (`on_uncertain: skip`). That
decision must be in the changelog, or a replica on another host restoring the partition would
still find `attempting`, settle it again and (for a Slack bot) ask Slack again. So a replica
with an empty state dir then restores `uncertain` and settles nothing, and `redflag events`
run from yet another empty state dir shows the delivery `uncertain`.
"""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.core.settings import KafkaSettings
from services.notifier.changelog import NOTIFIER_STATE_RESTORED
from services.notifier.deliverylog import UNCERTAIN, DeliveryLog
from services.notifier.senderlog import SENDER_LOG
from services.notifier.slacklookup import DELIVERY_UNCERTAIN
from tests.e2e.test_notifier_hosts_kafka import Hosts, alert, publish, until
from tests.support.broker import Broker
from tests.support.chatserver import ChatServer, Reply, default_reply

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

REDFLAG = str(Path(sys.executable).with_name("redflag"))


def events_elsewhere(tmp_path: Path, config: Path) -> subprocess.CompletedProcess[str]:
    """`redflag events` from an empty state dir: the changelog's view."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("REDFLAG_")}
    env["REDFLAG_STATE_DIR"] = str(tmp_path / "operator-host")
    return subprocess.run(
        [REDFLAG, "events", "-c", str(config)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


async def test_a_send_settled_at_a_restart_is_in_the_changelog_for_a_new_host(
    tmp_path: Path, kafka_settings: KafkaSettings, full_kafka: Broker
) -> None:
    partitions = kafka_settings.partitions
    with ChatServer() as chat:
        chat.script("/bot", Reply(200, default_reply("/bot", 1).body, delay=8))  # in flight
        await publish(kafka_settings, [alert(0)])
        replicas = Hosts(tmp_path, kafka_settings, chat)
        try:
            first = replicas.start("host-a")
            await until(lambda: len(chat.arrivals) >= 1, 60)  # the send is in flight
            first.kill9()
            again = replicas.start("host-a")  # its cache holds the claim
            await until(lambda: f'"{DELIVERY_UNCERTAIN}"' in again.log, 60)
            await asyncio.to_thread(again.stop)
            fresh = replicas.start("host-b")  # an empty state dir, as on another host
            # every partition of both changelogs (routing and sending side) restored
            await until(
                lambda: fresh.log.count(f'"{NOTIFIER_STATE_RESTORED}"') >= 2 * partitions, 60
            )
            await asyncio.sleep(1)
            await asyncio.to_thread(fresh.stop)
        finally:
            replicas.stop_all()
    assert f'"{DELIVERY_UNCERTAIN}"' not in fresh.log  # restored settled: not settled again
    log = DeliveryLog(tmp_path / "host-b" / SENDER_LOG)
    assert log.state("alert-0", "tg") == UNCERTAIN
    log.close()
    shown = await asyncio.to_thread(events_elsewhere, tmp_path, replicas.config)
    assert shown.returncode == 0, shown.stderr
    assert "tg: uncertain" in shown.stdout, shown.stdout
