"""Fixtures every tier shares: the broker, unique topic names, the shared corpus path."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.core.settings import Groups, KafkaSettings, Topics
from tests.support.broker import kafka_broker

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bootstrap servers of a real Kafka-protocol broker for the whole session."""
    with kafka_broker(tmp_path_factory.mktemp("broker")) as bootstrap:
        yield bootstrap


@pytest.fixture
def kafka_settings(kafka_bootstrap: str) -> KafkaSettings:
    """Kafka settings with topics and groups unique to one test."""
    tag = uuid.uuid4().hex[:8]
    return KafkaSettings(
        bootstrap_servers=kafka_bootstrap,
        topics=Topics(
            articles=f"t{tag}.articles", alerts=f"t{tag}.alerts", deadletter=f"t{tag}.deadletter"
        ),
        groups=Groups(classifier=f"g{tag}.classifier", notifier=f"g{tag}.notifier"),
        partitions=3,
        enable_idempotence=False,  # Tansu has no InitProducerId
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
    )


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repo; the test is skipped when a clone has none."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (only CI and the team's machines have it)")
    return SHARED
