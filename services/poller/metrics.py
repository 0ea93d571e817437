"""The poller's metrics (Prometheus), declared once."""

from services.core.metrics import REGISTRY, Counter, Gauge

POLLS = Counter("redflag_polls", "Feed polls by result (ok, error).", ["result"], registry=REGISTRY)
FEED_UNHEALTHY = Gauge(
    "redflag_feed_unhealthy",
    "1 while a feed has failed `unhealthy_after` times in a row.",
    ["feed"],
    registry=REGISTRY,
)
ARTICLES_PUBLISHED = Counter(
    "redflag_articles_published", "New articles published by the poller.", registry=REGISTRY
)
ENTRIES_TOO_OLD = Counter(
    "redflag_entries_too_old",
    "Unseen feed entries older than poller.max_age: remembered, not published.",
    registry=REGISTRY,
)
