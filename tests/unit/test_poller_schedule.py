"""Next-poll arithmetic: hints, clamps, backoff, Retry-After, adaptive interval."""

import random
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from services.core.httpdates import retry_after_seconds
from services.poller.config import PollerSettings
from services.poller.schedule import (
    adaptive_interval,
    backoff_delay,
    cache_seconds,
    next_delay,
)

P = PollerSettings(min_interval=60, max_interval=3600, default_interval=300, jitter=0,
                   unhealthy_after=5)  # fmt: skip
NOW = 1_700_000_000.0
RNG = random.Random(1)


@pytest.mark.parametrize(
    ("interval", "hints", "delay"),
    [
        (300, (), 300),
        (300, (900.0,), 900),  # <ttl> or max-age longer than the interval wins
        (300, (None, 120.0), 300),
        (10, (), 60),  # clamped to min
        (300, (86400.0,), 3600),  # clamped to max
    ],
)
def test_next_delay(interval: float, hints: tuple[float | None, ...], delay: float) -> None:
    assert next_delay(interval, P, *hints, rng=RNG) == delay


@pytest.mark.parametrize(
    ("errors", "retry_after", "delay"),
    [
        (1, None, 300),
        (2, None, 600),
        (3, None, 1200),
        (4, None, 2400),
        (5, None, 3600),  # unhealthy: max interval
        (9, None, 3600),
        (1, 1800.0, 1800),  # Retry-After honoured
        (1, 99999.0, 3600),  # ... up to max
    ],
)
def test_backoff(errors: int, retry_after: float | None, delay: float) -> None:
    assert backoff_delay(300, errors, P, retry_after, RNG) == delay


def test_jitter_spreads_within_bounds() -> None:
    jittery = PollerSettings(min_interval=60, max_interval=3600, jitter=0.1)
    delays = {round(next_delay(600, jittery, rng=random.Random(n))) for n in range(50)}
    assert len(delays) > 10
    assert all(540 <= d <= 660 for d in delays)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"cache-control": "public, max-age=900"}, 900),
        ({"cache-control": 's-maxage=10, max-age="600"'}, 600),
        ({"expires": format_datetime(datetime.fromtimestamp(NOW + 1200, UTC), usegmt=True)}, 1200),
        ({"expires": "garbage"}, None),
        ({}, None),
    ],
)
def test_cache_seconds(headers: dict[str, str], seconds: float | None) -> None:
    assert cache_seconds(headers, NOW) == seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120),
        (format_datetime(datetime.fromtimestamp(NOW + 300, UTC), usegmt=True), 300),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


@pytest.mark.parametrize(
    ("published", "interval"),
    [
        ([], 3600),
        ([NOW - 86400 * 30], 3600),  # quiet all week
        ([NOW - 3600] * 7, 3600),  # 7 a week: one a day, capped at max
        ([NOW - 3600] * 700, 864),  # 100 a day
        ([NOW - 60] * 100_000, 60),  # clamped to min
        ([None, NOW - 60] * 2, 3600),
    ],
)
def test_adaptive_interval(published: list[float | None], interval: float) -> None:
    assert adaptive_interval(published, NOW, P) == pytest.approx(interval)
