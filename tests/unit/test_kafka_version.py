"""The test broker and the Compose file run the same Apache Kafka release."""

import re

from tests.support.kafkadist import COMPOSE, kafka_version


def test_test_broker_version_is_the_compose_image_tag() -> None:
    tags = re.findall(r"image:\s*apache/kafka:(\S+)", COMPOSE.read_text(encoding="utf-8"))
    assert tags, "deploy/docker-compose.yml has no apache/kafka image"
    assert set(tags) == {kafka_version()}
