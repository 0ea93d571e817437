"""Fixtures every tier shares: the broker, unique topic names, the shared corpus path."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.core.settings import Groups, KafkaSettings, Topics
from tests.support.broker import Broker, broker_kind, kafka_broker

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def pytest_report_header() -> str:
    """Say which broker the Kafka tier runs on, and why."""
    kind, why = broker_kind()
    return f"kafka broker: {kind} ({why})"


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """The session's one broker: Apache Kafka on loopback (tests/support/broker.py)."""
    with kafka_broker(tmp_path_factory.mktemp("broker")) as running:
        yield running


@pytest.fixture(scope="session")
def kafka_bootstrap(broker: Broker) -> str:
    """Bootstrap servers of a real Kafka-protocol broker for the whole session."""
    return broker.bootstrap


@pytest.fixture
def full_kafka(broker: Broker) -> Broker:
    """The broker, for a test of what Tansu lacks (idempotence, compaction, static members)."""
    if not broker.full_kafka:
        pytest.skip("Tansu has no idempotent producer, compaction or static membership")
    return broker


@pytest.fixture
def kafka_settings(broker: Broker) -> KafkaSettings:
    """Kafka settings with topics and groups unique to one test."""
    tag = uuid.uuid4().hex[:8]
    return KafkaSettings(
        bootstrap_servers=broker.bootstrap,
        topics=Topics(
            articles=f"t{tag}.articles",
            alerts=f"t{tag}.alerts",
            deadletter=f"t{tag}.deadletter",
            notifier_state=f"t{tag}.notifier-state",
            deliveries=f"t{tag}.deliveries",
            sender_state=f"t{tag}.notifier-sender-state",
        ),
        groups=Groups(
            classifier=f"g{tag}.classifier",
            notifier=f"g{tag}.notifier",
            sender=f"g{tag}.notifier-sender",
        ),
        partitions=3,
        enable_idempotence=broker.full_kafka,  # Tansu has no InitProducerId
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
    )


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repo; the test is skipped when a clone has none."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (only CI and the team's machines have it)")
    return SHARED
