"""Which message in a page of Slack history is the one a delivery-log key names."""

from typing import Any

import pytest

from services.notifier.slacklookup import tagged


def message(ts: str, key: object = None, event_type: str = "redflag_alert") -> dict[str, Any]:
    if key is None:
        return {"type": "message", "ts": ts}
    return {"ts": ts, "metadata": {"event_type": event_type, "event_payload": {"key": key}}}


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([], None),
        ([message("1.1"), message("1.2", "a-1")], "1.2"),
        ([message("1.1", "a-2"), message("1.2", "digest:a-1")], None),  # keys match exactly
        ([message("1.1", "a-1", event_type="someone_else")], None),  # another app's metadata
        ([{"ts": "1.1", "metadata": "a-1"}, {"ts": "1.2", "metadata": {"event_payload": 1}}], None),
        ([{"metadata": message("x", "a-1")["metadata"]}], None),  # no ts: nothing to keep
        ([message("1.3", "a-1"), message("1.2", "a-1")], "1.3"),  # the first one listed
    ],
)
def test_tagged_finds_the_message_carrying_the_key(
    messages: list[dict[str, Any]], expected: str | None
) -> None:
    assert tagged(messages, "a-1") == expected
