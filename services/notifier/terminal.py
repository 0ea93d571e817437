"""No channels configured: each alert is printed to the terminal (`redflag run`, a first
try), then committed: printed or dead-lettered, it is done either way.

Apart from stage.py's routing loop: no delivery log, no workers, no changelog.
"""

from typing import TextIO

import structlog

from schemas.alert import Alert
from services.core.bus import Bus, Consumer, batches
from services.core.consume import consume
from services.core.lifecycle import StopSignal
from services.core.logging import per_item
from services.notifier.config import Settings
from services.notifier.console import print_alert
from services.notifier.dispatch import alert_view
from services.notifier.jobs import STAGE
from services.notifier.metrics import DELIVERIES

log = structlog.get_logger(__name__)

ALERT_PRINTED = "alert_printed"
per_item(ALERT_PRINTED)


async def print_alerts(
    settings: Settings, bus: Bus, consumer: Consumer, stop: StopSignal, out: TextIO
) -> None:
    """Print and commit each alert until `stop`."""

    async def show(alert: Alert) -> None:
        print_alert(alert_view(alert, settings), out)
        log.info(ALERT_PRINTED, alert_id=alert.id, event_type=alert.event.type)
        DELIVERIES.labels(channel="console", outcome="delivered").inc()

    deadletter = settings.kafka.topics.deadletter
    async for records in batches(consumer, stop):
        for record in records:
            await consume(record, Alert, show, stage=STAGE, bus=bus, deadletter=deadletter)
            await consumer.commit([record])  # printed, or dead-lettered: done either way
