"""HTTP dates and Retry-After (RFC 9110 5.6.7 and 10.2.3), for every client redflag runs.

An HTTP date is always GMT. `email.utils` reads "-0000" (and a missing zone) as "zone
unknown" and gives a naive datetime, whose `.timestamp()` is then taken as local time:
here every date without a zone is UTC, as the RFC says.
"""

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def http_date(value: str | None) -> float | None:
    """Seconds since the epoch of an HTTP date, or None when it is not one."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from `now`: delta-seconds or an HTTP date; None if neither."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = http_date(value)
    if when is None:
        return None
    return max(0.0, when - (time.time() if now is None else now))


def now_seconds(now: datetime | None) -> float | None:
    """A datetime clock reading as seconds since the epoch (None stays None)."""
    return None if now is None else now.timestamp()
