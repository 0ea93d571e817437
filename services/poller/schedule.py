"""When to poll a feed next: clamp(max(interval, max-age, Expires, ttl, Retry-After), min, max).

The formula is miniflux's. Cache-Control max-age and Expires follow RFC 9111 5.2.2.1 and
5.3; Retry-After follows RFC 9110 10.2.3 (seconds or an HTTP date). Failures back off
exponentially from the feed's interval, with jitter so feeds that failed together (a host
outage) do not come back in lockstep.
"""

import random
import re
from collections.abc import Mapping

from services.core.backoff import exponential, spread
from services.core.httpdates import http_date
from services.poller.config import PollerSettings

_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def cache_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """How long the response says it stays fresh: max-age, else Expires."""
    control = headers.get("cache-control", "")
    match = _MAX_AGE.search(control)
    if match:
        return float(match.group(1))
    expires = http_date(headers.get("expires"))
    return None if expires is None else max(0.0, expires - now)


def jittered(delay: float, settings: PollerSettings, rng: random.Random) -> float:
    """Spread `delay` by +/- settings.jitter, never below min_interval."""
    return max(settings.min_interval, spread(delay, -settings.jitter, settings.jitter, rng))


def next_delay(
    interval: float, settings: PollerSettings, *hints: float | None, rng: random.Random
) -> float:
    """Delay until the next poll after a success: the largest hint, clamped, jittered."""
    delay = max([interval, *(h for h in hints if h is not None)])
    delay = min(max(delay, settings.min_interval), settings.max_interval)
    return min(jittered(delay, settings, rng), settings.max_interval * (1 + settings.jitter))


def backoff_delay(
    interval: float,
    errors: int,
    settings: PollerSettings,
    retry_after: float | None,
    rng: random.Random,
) -> float:
    """Delay after the `errors`-th failure in a row: interval * 2**(errors-1), capped at
    max_interval (which is also where unhealthy feeds stay), at least Retry-After."""
    delay = exponential(errors, interval, settings.max_interval)
    if errors >= settings.unhealthy_after:
        delay = settings.max_interval
    delay = min(max(delay, settings.min_interval), settings.max_interval)
    if retry_after is not None:
        delay = max(delay, min(retry_after, settings.max_interval))
    return jittered(delay, settings, rng)


def adaptive_interval(published: list[float | None], now: float, settings: PollerSettings) -> float:
    """7 days divided by the entries published in the last 7 days (miniflux's entry
    frequency), clamped; max_interval for a feed that was quiet all week."""
    week = 7 * 86400.0
    recent = sum(1 for p in published if p is not None and now - p <= week)
    if not recent:
        return settings.max_interval
    return min(max(week / recent, settings.min_interval), settings.max_interval)
