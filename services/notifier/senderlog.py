"""Where the deliveries hop's sender keeps its delivery log, and reading it beside the
notifier's own (`redflag events`, `redflag deadletter`): with the hop, an alert's events are
in `notifier.db` and its deliveries in `notifier-sender.db` (docs/notifier.md)."""

from pathlib import Path
from typing import Any

from services.notifier.deliverylog import DeliveryLog

#: The sender's delivery log, beside `notifier.db` in `state_dir`.
SENDER_LOG = "notifier-sender.db"


def with_sender_deliveries(events: list[dict[str, Any]], state_dir: Path) -> list[dict[str, Any]]:
    """`events` (`DeliveryLog.recent_events`) with each report's deliveries from the sender's
    log added, where one exists (read only: a missing file is not created)."""
    path = state_dir / SENDER_LOG
    if not path.is_file():
        return events
    log = DeliveryLog(path)
    try:
        for event in events:
            for report in event["reports"]:
                report["deliveries"].update(log.deliveries_of(str(report["alert_id"])))
    finally:
        log.close()
    return events
