"""HTTP dates are GMT whatever zone (or none) they name: one parser for every client."""

import time
from collections.abc import Iterator

import pytest

from services.core.httpdates import http_date, retry_after_seconds

NOON = 1_770_379_200.0  # a fixed instant is fine here: nothing compares it with the clock


@pytest.fixture(autouse=True)
def local_time_is_not_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine whose local zone is not UTC: where reading a date as local time shows."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    "value",
    [
        "Fri, 06 Feb 2026 12:00:00 GMT",
        "Fri, 06 Feb 2026 12:00:00 +0000",
        "Fri, 06 Feb 2026 12:00:00 -0000",  # "zone unknown" to email.utils: read as local before
        "Fri, 06 Feb 2026 12:00:00",
        "Fri, 06 Feb 2026 13:00:00 +0100",
    ],
)
def test_every_form_is_the_same_instant(value: str) -> None:
    assert http_date(value) == NOON


@pytest.mark.parametrize("value", [None, "", "soon", "Fri, 99 Feb 2026 12:00:00 GMT"])
def test_not_a_date(value: str | None) -> None:
    assert http_date(value) is None


def test_retry_after_is_seconds_or_a_date_relative_to_now() -> None:
    now = time.time()
    assert retry_after_seconds("120", now) == 120.0
    later = time.strftime("%a, %d %b %Y %H:%M:%S -0000", time.gmtime(now + 90))
    assert retry_after_seconds(later, now) == pytest.approx(90, abs=1)
    assert retry_after_seconds("garbage", now) is None
