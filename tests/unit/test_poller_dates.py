"""Dates feedparser gets wrong are read from the raw string; the future is refused."""

import time
from datetime import UTC, datetime

import pytest

from services.poller.dates import parse_date

NOW = datetime(2024, 6, 1, tzinfo=UTC).timestamp()


def ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> float:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1709632800", 1709632800.0),
        ("1709632800000", 1709632800.0),
        ("2020/1/10 14:33:00", ts(2020, 1, 10, 14, 33)),
        ("2024年3月5日 10:00", ts(2024, 3, 5, 10, 0)),
        ("2018-09-18 14:38:10", ts(2018, 9, 18, 14, 38, 10)),
        ("2024-03-05T10:00:00+01:00", ts(2024, 3, 5, 9, 0)),
        ("2024-03-05T10:00:00Z", ts(2024, 3, 5, 10, 0)),
        ("2024-02-30T10:00:00Z", None),
        ("2024-03-05T24:00:00Z", None),
        ("Tue, 05 Mar 2024 10:00:00 +9999", None),
        ("2024-03-05T10:00:00+15:00", None),
        ("2099-01-01T00:00:00Z", None),
        ("Today", None),
        ("", None),
    ],
)
def test_raw_forms(raw: str, expected: float | None) -> None:
    assert parse_date(raw, None, now=NOW, max_future_skew=86400) == expected


def test_feedparser_value_used_when_raw_form_is_ordinary() -> None:
    parsed = time.strptime("2024-03-05 10:00:00", "%Y-%m-%d %H:%M:%S")
    raw = "Tue, 05 Mar 2024 10:00:00 GMT"
    assert parse_date(raw, parsed, now=NOW, max_future_skew=86400) == ts(2024, 3, 5, 10, 0)


@pytest.mark.parametrize(("ahead", "kept"), [(3600, True), (86400 * 2, False)])
def test_future_skew(ahead: int, kept: bool) -> None:
    parsed = time.gmtime(NOW + ahead)
    value = parse_date("whatever", parsed, now=NOW, max_future_skew=86400)
    assert (value is not None) is kept


def test_year_9999_from_feedparser_is_refused() -> None:
    parsed = time.struct_time((9999, 12, 31, 23, 59, 59, 4, 365, 0))
    assert (
        parse_date("Fri, 31 Dec 9999 23:59:59 GMT", parsed, now=NOW, max_future_skew=86400) is None
    )
