"""The classifier's metrics (Prometheus), declared once."""

from services.core.metrics import REGISTRY, Counter

ARTICLES_CLASSIFIED = Counter(
    "redflag_articles_classified", "Articles the classifier has read.", registry=REGISTRY
)
ALERTS = Counter(
    "redflag_alerts", "Alerts emitted by the classifier, by event type.", ["type"],
    registry=REGISTRY,
)  # fmt: skip
