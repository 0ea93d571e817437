"""docs/samples/ holds what Slack and Telegram really receive and what a reader then sees.

The samples are produced by sending three alerts through apprise's real plugins to the local
chat server; this test keeps the committed files equal to that. To refresh them after a
rendering change:

    REDFLAG_REGEN_SAMPLES=1 .venv/bin/pytest tests/integration/test_notifier_samples.py
"""

import html
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from schemas.alert import Alert, Event, Facts
from services.notifier.channels import build, deliver
from services.notifier.config import ChannelConfig, NotifierSettings
from services.notifier.console import format_alert
from services.notifier.render import render
from services.notifier.routing import is_critical
from services.notifier.view import view
from tests.support.chatserver import ChatServer, chat_server

__all__ = ["chat_server"]

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
WHEN = datetime(2025, 3, 4, 14, 5, tzinfo=UTC)


def sample_alerts() -> list[Alert]:
    def make(n: int, title: str, link: str, source: str, **event: Any) -> Alert:
        return Alert(
            id=f"sample-{n}",
            article_id=f"sample-{n}",
            title=title,
            link=link,
            source=source,
            published=WHEN,
            lang="en",
            event=Event(**event),
        )

    return [
        make(
            1,
            "Ford recalls 142,000 Explorer SUVs over seat belt anchor fault",
            "https://news.example.com/ford-explorer-recall",
            "Reuters",
            type="recall",
            confidence=0.94,
            company="Ford Motor",
            tickers=("F",),
            facts=Facts(units=142_000),
            on_watchlist=True,
        ),
        make(
            2,
            "Two killed after Rivian R1S crashes into tree & catches fire in California",
            "https://news.example.com/rivian-crash",
            "AP News",
            type="crash",
            confidence=0.88,
            company="Rivian",
            tickers=("RIVN",),
            facts=Facts(fatalities=2, injuries=1),
            on_watchlist=True,
        ),
        make(
            3,
            "Morgan Stanley cuts Nvidia price target to $150 from $180 <update>",
            "https://news.example.com/nvda-target",
            "Bloomberg",
            type="target_change",
            confidence=0.81,
            company="Nvidia",
            tickers=("NVDA",),
            facts=Facts(metric="price target", old=180, new=150, currency="USD"),
        ),
    ]


def slack_display(payload: dict[str, Any]) -> str:
    """Roughly what Slack shows: header line, then mrkdwn with links as 'label <url>'."""
    blocks = payload["attachments"][0]["blocks"]
    header = html.unescape(blocks[0]["text"]["text"])
    body = blocks[1]["text"]["text"]
    body = re.sub(r"<(https?://[^|>]+)\|([^>]*)>", r"\2  →  \1", body)
    body = html.unescape(body.replace("*", ""))
    colour = payload["attachments"][0]["color"]
    lines = [f"▌ {header}   (sidebar {colour})", *("▌ " + line for line in body.split("\n"))]
    return "\n".join(lines)


def telegram_display(payload: dict[str, Any]) -> str:
    """Roughly what Telegram shows for parse_mode=HTML: tags gone, links as 'label <url>'."""
    text = payload["text"].replace("\r\n", "\n")
    text = re.sub(r'<a href="([^"]+)">(.*?)</a>', r"\2  →  \1", text)
    text = re.sub(r"</?(b|i|code)>", "", text)
    return html.unescape(text)


def produce(server: ChatServer) -> dict[str, str]:
    files: dict[str, str] = {}
    wired = NotifierSettings.model_validate({"endpoints": server.endpoints})
    slack = build(ChannelConfig(name="s", url="slack://T1/B1/XYZ"), wired)
    tg = build(ChannelConfig(name="t", url="tgram://123456:ABCdef/-100123"), wired)
    for channel in (slack, tg):
        assert channel.kind is not None
        for a in sample_alerts():
            v = view(a, critical=is_critical(a, NotifierSettings()))
            assert deliver(channel, render(v, channel.kind, channel.max_length)).ok
    slack_payloads = server.slack_messages()
    tg_payloads = server.telegram_messages()
    files["slack.json"] = json.dumps(slack_payloads, indent=2, ensure_ascii=False) + "\n"
    files["telegram.json"] = json.dumps(tg_payloads, indent=2, ensure_ascii=False) + "\n"
    files["slack.txt"] = "\n\n".join(slack_display(p) for p in slack_payloads) + "\n"
    files["telegram.txt"] = "\n\n".join(telegram_display(p) for p in tg_payloads) + "\n"
    notifier = NotifierSettings()
    files["console.txt"] = "".join(
        format_alert(view(a, critical=is_critical(a, notifier))) for a in sample_alerts()
    )
    return files


def test_samples_match_what_is_sent(chat_server: ChatServer) -> None:
    files = produce(chat_server)
    if os.environ.get("REDFLAG_REGEN_SAMPLES"):
        SAMPLES.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (SAMPLES / name).write_text(text, encoding="utf-8")
    for name, text in files.items():
        assert (SAMPLES / name).read_text(encoding="utf-8") == text, name
