"""What one poll's outcome does to a feed's health: its error count, when it is polled next
(the schedule's delay on success, back-off with jitter or the server's Retry-After on
failure), and the log lines an operator watches: unhealthy after `unhealthy_after` failures
in a row, recovered on the next success, gone (disabled) on a 410.
"""

import random

import structlog

from services.poller import metrics
from services.poller.config import FeedConfig, PollerSettings
from services.poller.errors import FeedError, Gone
from services.poller.schedule import backoff_delay, next_delay
from services.poller.state import FeedState

log = structlog.get_logger(__name__)

FEED_POLL_FAILED = "feed_poll_failed"
FEED_UNHEALTHY = "feed_unhealthy"
FEED_RECOVERED = "feed_recovered"
FEED_GONE = "feed_gone"


def succeeded(
    feed: FeedConfig,
    state: FeedState,
    now: float,
    fresh: float | None,
    *,
    p: PollerSettings,
    interval: float,
    flog: structlog.BoundLogger,
    rng: random.Random,
) -> None:
    """A poll that worked (a 304 too): errors cleared, next poll on the schedule."""
    if state.error_count >= p.unhealthy_after:
        flog.info(FEED_RECOVERED, after_errors=state.error_count)
    metrics.FEED_UNHEALTHY.labels(feed=feed.name).set(0)
    metrics.POLLS.labels(result="ok").inc()
    state.error_count = 0
    state.last_success = now
    state.next_poll = now + next_delay(interval, p, state.ttl, fresh, rng=rng)


def failed(
    feed: FeedConfig,
    state: FeedState,
    exc: FeedError,
    now: float,
    *,
    p: PollerSettings,
    interval: float,
    flog: structlog.BoundLogger | None,
    rng: random.Random,
) -> None:
    """A poll that failed: counted, backed off (or disabled when the feed is gone)."""
    state.error_count += 1
    state.last_error = str(exc)
    state.last_error_at = now
    metrics.POLLS.labels(result="error").inc()
    if isinstance(exc, Gone):
        state.disabled = str(exc)
        log.error(FEED_GONE, feed=feed.name, url=state.url, error=str(exc))
        return
    retry_after = getattr(exc, "retry_after", None)
    delay = backoff_delay(interval, state.error_count, p, retry_after, rng)
    state.next_poll = now + delay
    if flog is not None:
        flog.warning(
            FEED_POLL_FAILED, url=state.url, error=str(exc), error_type=type(exc).__name__,
            errors=state.error_count, retry_in=round(delay),
        )  # fmt: skip
    if state.error_count >= p.unhealthy_after:
        metrics.FEED_UNHEALTHY.labels(feed=feed.name).set(1)
    if state.error_count == p.unhealthy_after:
        log.error(
            FEED_UNHEALTHY, feed=feed.name, url=state.url, errors=state.error_count, error=str(exc)
        )
