"""The test broker: the Compose file's Apache Kafka release, and a cluster id its tools accept."""

import re

from tests.support.broker import cluster_id
from tests.support.kafkadist import COMPOSE, kafka_version


def test_test_broker_version_is_the_compose_image_tag() -> None:
    tags = re.findall(r"image:\s*apache/kafka:(\S+)", COMPOSE.read_text(encoding="utf-8"))
    assert tags, "deploy/docker-compose.yml has no apache/kafka image"
    assert set(tags) == {kafka_version()}


def test_cluster_ids_are_never_taken_for_an_option() -> None:
    ids = [cluster_id() for _ in range(2000)]  # about 31 of these would start with "-"
    assert not [i for i in ids if i.startswith("-")]
    assert {len(i) for i in ids} == {22}
