"""The notifier's metrics (Prometheus), declared once."""

from services.core.metrics import REGISTRY, Counter, Histogram

DELIVERIES = Counter(
    "redflag_deliveries",
    "Notifier sends by channel and outcome (delivered, failed, rate_limited, dead).",
    ["channel", "outcome"],
    registry=REGISTRY,
)
#: "Within seconds" is the promise; minutes are trouble.
ALERT_LATENCY = Histogram(
    "redflag_alert_latency_seconds",
    "Seconds from the poller first seeing an article to its alert's delivery, by channel.",
    ["channel"],
    buckets=(0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0),
    registry=REGISTRY,
)
EVENT_REPORTS = Counter(
    "redflag_event_reports",
    "Alerts by what they were to their event (first, repeat, update, edit); "
    "reports per event = sum / first.",
    ["kind"],
    registry=REGISTRY,
)
EVENT_UPDATES = Counter(
    "redflag_event_updates", "UPDATE alerts sent (material changes), by channel.", ["channel"],
    registry=REGISTRY,
)  # fmt: skip
EVENT_REPEATS_SUPPRESSED = Counter(
    "redflag_event_repeats_suppressed",
    "Later reports of an event not sent as a new alert (threaded or counted), by channel.",
    ["channel"],
    registry=REGISTRY,
)
