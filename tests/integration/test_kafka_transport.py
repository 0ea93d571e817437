"""Authenticated transport on the real broker's SASL_PLAINTEXT listener (tests/support/broker.py).

Every client redflag opens (admin, producer, group consumer, group member) goes through
the same options: one left on PLAINTEXT would fail against this listener.
"""

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from services.core.kafkabus import KafkaBus
from services.core.kafkatransport import KafkaSasl, KafkaTls
from services.core.settings import KafkaSettings
from tests.support.broker import SASL_MECHANISMS, SASL_USER, Broker
from tests.support.procs import Stage, stage_env
from tests.support.tlscerts import make_tls

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


async def every_client_works(settings: KafkaSettings) -> None:
    """Admin (creates the topics), producer, group consumer and group member all connect."""
    topic = settings.topics.articles
    async with KafkaBus(settings) as bus:  # admin (creates the topics) and producer
        await bus.send(topic, "k", b"over the listener")
        consumer = await bus.consumer([topic], settings.groups.classifier)
        try:
            records = []
            deadline = time.monotonic() + 30
            while not records and time.monotonic() < deadline:
                records = await consumer.poll(1.0)
            assert [r.value for r in records] == [b"over the listener"]
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
    await every_client_works(settings)


def test_wrong_password_is_waited_on_with_the_reason_and_never_logged(
    tmp_path: Path, kafka_settings: KafkaSettings, sasl_broker: Broker
) -> None:
    wrong = "wrong-" + uuid.uuid4().hex
    sasl = KafkaSasl(mechanism="SCRAM-SHA-256", username=SASL_USER, password=SecretStr(wrong))
    kafka = sasl_settings(kafka_settings, sasl_broker, sasl)
    section = kafka.model_dump(mode="json")
    section["sasl"]["password"] = wrong  # model_dump masks secrets; the env gets the real one
    log = waits_with(tmp_path, section, wrong)
    assert "Authentication failed" in log, log[-3000:]


@pytest.fixture
def tls_broker(broker: Broker) -> Broker:
    if broker.tls_bootstrap is None or broker.tls is None:
        pytest.skip("only the suite's own Apache Kafka has an SSL listener (and needs openssl)")
    return broker


def tls_settings(kafka: KafkaSettings, broker: Broker, tls: KafkaTls) -> KafkaSettings:
    return kafka.model_copy(
        update={"bootstrap_servers": broker.tls_bootstrap, "security_protocol": "SSL", "tls": tls}
    )


async def test_every_client_works_over_mutual_tls(
    tmp_path: Path, kafka_settings: KafkaSettings, tls_broker: Broker
) -> None:
    files = tls_broker.tls
    assert files is not None
    password = tmp_path / "key-password"
    password.write_text(files.client_key_password + "\n", encoding="utf-8")  # a Docker secret
    tls = KafkaTls(
        ca_file=files.ca,
        cert_file=files.client_cert,
        key_file=files.client_key,
        key_password_file=password,
    )
    await every_client_works(tls_settings(kafka_settings, tls_broker, tls))


def waits_with(tmp_path: Path, section: dict[str, Any], secret: str) -> str:
    """Run the classifier stage with this `kafka` section until it says it waits for the
    broker; its log, which must hold no traceback and not the secret."""
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
    assert "Traceback" not in stage.log
    assert secret not in stage.log
    return stage.log


def test_a_broker_signed_by_another_ca_is_waited_on_with_the_reason(
    tmp_path: Path, kafka_settings: KafkaSettings, tls_broker: Broker
) -> None:
    files = tls_broker.tls
    assert files is not None
    other = make_tls(tmp_path / "other", "unused")  # trusts another CA: the broker is not it
    tls = KafkaTls(
        ca_file=other.ca,
        cert_file=files.client_cert,
        key_file=files.client_key,
        key_password=SecretStr(files.client_key_password),
    )
    section = tls_settings(kafka_settings, tls_broker, tls).model_dump(mode="json")
    section["tls"]["key_password"] = files.client_key_password  # masked by model_dump
    log = waits_with(tmp_path, section, files.client_key_password)
    assert "CERTIFICATE_VERIFY_FAILED" in log, log[-3000:]
    assert '"hint"' not in log


def test_a_client_without_a_certificate_is_refused_and_waits(
    tmp_path: Path, kafka_settings: KafkaSettings, tls_broker: Broker
) -> None:
    files = tls_broker.tls
    assert files is not None
    tls = KafkaTls(ca_file=files.ca)
    section = tls_settings(kafka_settings, tls_broker, tls).model_dump(mode="json")
    log = waits_with(tmp_path, section, "no secret here")
    assert "kafka.tls.cert_file and kafka.tls.key_file" in log, log[-3000:]
