"""Dates feedparser misses or gets wrong, and a sanity window.

feedparser 6.0.14 reads epoch numbers as 2017, "2020/1/10 14:33:00" as 1 November and a
"+9999" offset as four days; these forms are read here first, from the raw string.
"""

import calendar
import re
import time
from datetime import UTC, datetime, timedelta, timezone

_EPOCH = re.compile(r"^\s*(\d{10}|\d{13})(?:\.\d+)?\s*$")
_YMD = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T)(\d{1,2})\s*[:时時]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:\.\d+)?)?\s*秒?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)
_OFFSET = re.compile(r"(?:^|[\s\d])([+-])(\d{2}):?(\d{2})\s*$")
_MAX_OFFSET_HOURS = 14  # the furthest real zone is UTC+14 (Line Islands)


def _zone(text: str | None) -> timezone | None:
    if not text or text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[-2:])
    if hours > _MAX_OFFSET_HOURS or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _own_parse(raw: str) -> float | bool | None:
    """A timestamp for forms handled here, False when `raw` is plainly bogus, None otherwise."""
    match = _EPOCH.match(raw)
    if match:
        digits = match.group(1)
        return int(digits) / (1000 if len(digits) == 13 else 1)
    match = _YMD.match(raw)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        tz = _zone(zone)
        if tz is None:
            return False
        try:
            value = datetime(
                int(year), int(month), int(day),
                int(hour or 0), int(minute or 0), int(second or 0), tzinfo=tz,
            )  # fmt: skip
        except ValueError:
            return False  # Feb 30, 24:00, a leap second: unknown rather than guessed
        return value.timestamp()
    match = _OFFSET.search(raw)
    if match and _zone(match.group(1) + match.group(2) + match.group(3)) is None:
        return False
    return None


def parse_date(
    raw: str | None, parsed: time.struct_time | None, *, now: float, max_future_skew: float
) -> float | None:
    """Seconds since the epoch, or None when unknown, unparseable or too far in the future."""
    value: float | None = None
    own = _own_parse(raw) if raw else None
    if own is False:
        return None
    if isinstance(own, float | int) and not isinstance(own, bool):
        value = float(own)
    elif parsed is not None:
        try:
            value = float(calendar.timegm(parsed))
        except (OverflowError, ValueError, TypeError):
            value = None
    elif raw:
        try:
            iso = datetime.fromisoformat(raw.strip())
        except ValueError:
            iso = None
        if iso is not None:
            value = (iso if iso.tzinfo else iso.replace(tzinfo=UTC)).timestamp()
    if value is None or value <= 0 or value > now + max_future_skew:
        return None
    return value
