"""Reading how long a 429 asks to wait (RFC 9110 section 10.2.3, and Telegram's JSON)."""

from datetime import UTC, datetime
from typing import Any

import pytest

from services.notifier.answers import retry_after

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "body", "seconds"),
    [
        ({"Retry-After": "7"}, None, 7.0),
        ({"Retry-After": " 30 "}, None, 30.0),
        ({"Retry-After": "Sun, 22 Nov 2026 12:00:45 GMT"}, None, 45.0),
        ({"Retry-After": "Sun, 22 Nov 2026 11:59:00 GMT"}, None, 0.0),  # already past
        ({}, {"ok": False, "parameters": {"retry_after": 12}}, 12.0),  # Telegram
        ({"Retry-After": "soon"}, {"parameters": {"retry_after": 3}}, 3.0),  # bad header
        ({"Retry-After": "5"}, {"parameters": {"retry_after": 9}}, 5.0),  # header first
        ({}, {"ok": False, "description": "Too Many Requests"}, None),
        ({}, {"parameters": {"retry_after": "12"}}, None),  # not a number
        ({}, ["not", "a", "dict"], None),
        (None, None, None),
    ],
)
def test_retry_after(headers: dict[str, str] | None, body: Any, seconds: float | None) -> None:
    assert retry_after(headers, body, now=NOW) == seconds
