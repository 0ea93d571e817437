"""Secrets never reach a log line: ours or a library's, in a field or in an exception."""

import io
import json
import logging

import pytest
import structlog

from services.core.logging import configure_logging
from services.core.settings import LogSettings

SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
HOOK = "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
TELEGRAM = "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage"
TOKENS = ("TIiajkdnlazkcOXrIdevi7FQ", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")


@pytest.fixture
def captured() -> io.StringIO:
    stream = io.StringIO()
    configure_logging(LogSettings(level="debug", format="json"), stream=stream)
    yield stream
    structlog.reset_defaults()
    logging.getLogger().handlers.clear()


def test_our_log_fields_are_redacted(captured: io.StringIO) -> None:
    log = structlog.get_logger("redflag.test")
    log.info("delivery_failed", url=SLACK, detail=f"POST {HOOK} -> 500", urls=[TELEGRAM])
    line = json.loads(captured.getvalue().splitlines()[-1])
    assert line["event"] == "delivery_failed"
    assert all(token not in captured.getvalue() for token in TOKENS)
    assert "hooks.slack.com" in line["detail"]  # still says where, just not the secret


def test_stdlib_and_exceptions_are_redacted(captured: io.StringIO) -> None:
    logging.getLogger("apprise").warning("Failed to send to %s", TELEGRAM)
    try:
        raise ConnectionError(f"cannot reach {HOOK}")
    except ConnectionError:
        structlog.get_logger("redflag.test").exception("chat_unreachable")
    text = captured.getvalue()
    assert "Failed to send" in text and "chat_unreachable" in text
    assert all(token not in text for token in TOKENS)
