"""Authenticated transport on the real broker's SASL_PLAINTEXT listener (tests/support/broker.py).

Every client redflag opens (admin, producer, group consumer, group member) goes through
the same options: one left on PLAINTEXT would fail against this listener.
"""

import asyncio
import json
import time
import uuid
from pathlib import Path

import pytest
from pydantic import SecretStr

from services.core.kafkabus import KafkaBus
from services.core.settings import KafkaSasl, KafkaSettings
from tests.support.broker import SASL_MECHANISMS, SASL_USER, Broker
from tests.support.procs import Stage, stage_env

pytestmark = pytest.mark.kafka


@pytest.fixture
def sasl_broker(broker: Broker) -> Broker:
    if broker.sasl_bootstrap is None:
        pytest.skip("only the suite's own Apache Kafka has a SASL listener")
    return broker


def sasl_settings(kafka: KafkaSettings, broker: Broker, sasl: KafkaSasl) -> KafkaSettings:
    return kafka.model_copy(
        update={
            "bootstrap_servers": broker.sasl_bootstrap,
            "security_protocol": "SASL_PLAINTEXT",
            "sasl": sasl,
        }
    )


class _Slots:
    def __init__(self) -> None:
        self.held: set[int] = set()

    def assigned(self, partitions: set[int]) -> None:
        self.held = set(partitions)

    def revoked(self, partitions: set[int]) -> None:
        self.held -= partitions


@pytest.mark.parametrize("mechanism", SASL_MECHANISMS)
async def test_every_client_works_over_sasl(
    tmp_path: Path, kafka_settings: KafkaSettings, sasl_broker: Broker, mechanism: str
) -> None:
    secret = tmp_path / "kafka-password"
    secret.write_text(sasl_broker.sasl_password + "\n", encoding="utf-8")  # as a Docker secret
    sasl = KafkaSasl(mechanism=mechanism, username=SASL_USER, password_file=secret)  # type: ignore[arg-type]
    settings = sasl_settings(kafka_settings, sasl_broker, sasl)
    topic = settings.topics.articles
    async with KafkaBus(settings) as bus:  # admin (creates the topics) and producer
        await bus.send(topic, "k", b"over sasl")
        consumer = await bus.consumer([topic], settings.groups.classifier)
        try:
            records = []
            deadline = time.monotonic() + 30
            while not records and time.monotonic() < deadline:
                records = await consumer.poll(1.0)
            assert [r.value for r in records] == [b"over sasl"]
            await consumer.commit(records)
        finally:
            await consumer.close()
        slots = _Slots()
        member = await bus.group_member(f"t{uuid.uuid4().hex[:8]}.slots", "g-slots", 2, slots)
        try:
            deadline = time.monotonic() + 30
            while slots.held != {0, 1} and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert slots.held == {0, 1}
        finally:
            await member.close()


def test_wrong_password_is_waited_on_with_the_reason_and_never_logged(
    tmp_path: Path, kafka_settings: KafkaSettings, sasl_broker: Broker
) -> None:
    wrong = "wrong-" + uuid.uuid4().hex
    sasl = KafkaSasl(mechanism="SCRAM-SHA-256", username=SASL_USER, password=SecretStr(wrong))
    kafka = sasl_settings(kafka_settings, sasl_broker, sasl)
    section = kafka.model_dump(mode="json")
    section["sasl"]["password"] = wrong  # model_dump masks secrets; the env gets the real one
    env = stage_env(
        {
            "REDFLAG_KAFKA": json.dumps(section),
            "REDFLAG_STATE_DIR": str(tmp_path / "state"),
            "REDFLAG_LOG__FORMAT": "json",
        }
    )
    stage = Stage(["classifier"], env, tmp_path / "classifier.log").start()
    try:
        deadline = time.monotonic() + 30
        while '"kafka_waiting_for_broker"' not in stage.log:
            assert stage.proc is not None and stage.proc.poll() is None, stage.log[-3000:]
            assert time.monotonic() < deadline, stage.log[-3000:]
            time.sleep(0.1)
    finally:
        code = stage.stop()
    assert code == 0, stage.log[-3000:]
    assert "Authentication failed" in stage.log, stage.log[-3000:]
    assert wrong not in stage.log
    assert "Traceback" not in stage.log
