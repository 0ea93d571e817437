"""docs/samples/thread-*: one event's thread as Slack (bot token) and Telegram receive it (#12).

Four reports of one recall and its expansion go through the notifier stage to the local chat
server; this test keeps the committed files equal to what was received. To refresh them:

    REDFLAG_REGEN_SAMPLES=1 .venv/bin/pytest tests/integration/test_notifier_thread_sample.py
"""

import html
import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from schemas.alert import Alert
from services.notifier.view import when
from tests.integration.test_notifier_events import BOT, EXPANSION, FOUR, TELEGRAM, deliver, settings
from tests.support.chatserver import ChatServer, chat_server

__all__ = ["chat_server"]

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
STEP = timedelta(minutes=7)
# The notifier keeps event state by report time and prunes it against now, so the alerts are
# dated from the clock, as fresh reports; the committed sample shows them at one fixed day, so
# it does not change with the day it is made (`as_documented`).
WHEN = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
DOCUMENTED = datetime(2025, 3, 4, 14, 5, tzinfo=UTC)  # display only: never compared with now


def dated(alerts: list[Alert]) -> list[Alert]:
    """The test alerts at fresh times, STEP apart."""
    return [a.model_copy(update={"published": WHEN + STEP * i}) for i, a in enumerate(alerts)]


def as_documented(content: str, count: int) -> str:
    """The received messages with each alert's byline stamp moved to the documented day."""
    for i in range(count):
        content = content.replace(when(WHEN + STEP * i), when(DOCUMENTED + STEP * i))
    return content


def readable(messages: list[dict[str, Any]]) -> str:
    """The Telegram thread as a reader sees it: replies indented under the first message."""
    out = []
    for m in messages:
        text = html.unescape(re.sub(r"<[^>]+>", "", str(m["text"])))
        indent = "    ↳ " if "reply_to_message_id" in m else ""
        out.append("\n".join(indent + line if i == 0 else (" " * len(indent)) + line
                             for i, line in enumerate(text.splitlines())))  # fmt: skip
    return "\n\n".join(out) + "\n"


def check(name: str, content: str) -> None:
    content = as_documented(content, len([*FOUR, EXPANSION]))
    path = SAMPLES / name
    if os.environ.get("REDFLAG_REGEN_SAMPLES"):
        path.write_text(content, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == content, f"{name} is stale: regenerate it"


async def test_thread_samples_match_what_the_chat_services_receive(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(
        tmp_path, chat_server, {"name": "bot", "url": BOT}, {"name": "tg", "url": TELEGRAM}
    )
    await deliver(s, dated([*FOUR, EXPANSION]))
    slack, telegram = chat_server.slack_api_messages(), chat_server.telegram_messages()
    assert len(slack) == len(telegram) == 5
    dump = lambda obj: json.dumps(obj, ensure_ascii=False, indent=2) + "\n"  # noqa: E731
    check("thread-slack.json", dump(slack))
    check("thread-telegram.json", dump(telegram))
    check("thread.txt", readable(telegram))
