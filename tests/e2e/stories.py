"""News items written for the end-to-end tests, the feeds that carry them, and the config.

Each `Story` says what a trader must see: the event type, company, ticker and key figure.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import yaml


@dataclass(frozen=True)
class Story:
    """One feed entry and the alert it must produce (type None: it must produce none)."""

    guid: str
    title: str
    summary: str
    type: str | None = None
    company: str = ""
    ticker: str = ""
    figure: str = ""  # the key figure as a reader sees it, e.g. "142,000"

    @property
    def link(self) -> str:
        return f"https://news.example.com/{self.guid}"


WATCHLIST = [
    {"company": "Ford Motor", "tickers": ["F"], "aliases": ["Ford", "福特"]},
    {"company": "Rivian Automotive", "tickers": ["RIVN"], "aliases": ["Rivian"]},
    {"company": "General Motors", "tickers": ["GM"], "aliases": ["GM", "通用汽车"]},
    {"company": "BYD", "tickers": ["1211.HK"], "aliases": ["比亚迪"]},
    {"company": "Toyota Motor", "tickers": ["TM"], "aliases": ["Toyota", "丰田"]},
    {"company": "Honda Motor", "tickers": ["HMC"], "aliases": ["Honda", "本田"]},
    {"company": "Nissan Motor", "tickers": ["7201.T"], "aliases": ["Nissan", "日产"]},
    {"company": "Hyundai Motor", "tickers": ["005380.KS"], "aliases": ["Hyundai", "现代汽车"]},
    {"company": "Stellantis", "tickers": ["STLA"], "aliases": ["Jeep", "Chrysler"]},
    {"company": "Volkswagen", "tickers": ["VOW3.DE"], "aliases": ["VW", "大众"]},
]

BASIC = [
    Story(
        "ford-explorer-recall",
        "Ford recalls 142,000 Explorer SUVs over seat belt anchor fault",
        "Ford Motor is recalling 142,000 Explorer SUVs in the United States because a rear seat "
        "belt anchor may detach in a collision, according to a filing with the National Highway "
        "Traffic Safety Administration.",
        "recall",
        "Ford Motor",
        "F",
        "142,000",
    ),
    Story(
        "rivian-fatal-crash",
        "Two killed after Rivian R1S crashes into tree and catches fire in California",
        "Two people died when a Rivian R1S electric SUV crashed into a tree and caught fire near "
        "Sacramento on Sunday night, the California Highway Patrol said.",
        "crash",
        "Rivian Automotive",
        "RIVN",
        "2",
    ),
    Story(
        "gm-raises-guidance",
        "General Motors raises 2026 profit guidance to $13 billion from $11 billion",
        "General Motors raised its full-year adjusted operating profit forecast to $13 billion "
        "from $11 billion after strong pickup truck sales in the third quarter.",
        "target_change",
        "General Motors",
        "GM",
        "13",
    ),
    Story(
        "rivian-crash-test",
        "Rivian R2 earns top rating in IIHS crash tests",
        "The Rivian R2 earned a Top Safety Pick+ award after a series of crash tests, the "
        "Insurance Institute for Highway Safety said.",
    ),
    Story(
        "ford-shares-crash",
        "Ford shares crash 9% after earnings miss",
        "Ford's stock crashed on Wednesday after the carmaker's quarterly earnings fell short of "
        "analyst expectations.",
    ),
]

_MODELS = ["Camry", "Civic", "Rogue", "Tucson", "Wrangler", "Golf", "F-150", "Silverado"]
_DEFECTS = [
    "fuel pump failures",
    "faulty airbag inflators",
    "a brake fluid leak",
    "loose wheel nuts",
]


def recall_stream(count: int) -> list[Story]:
    """`count` distinct recall stories over the watchlist, for the crash/restart tests."""
    stories = []
    for i in range(count):
        company = WATCHLIST[i % len(WATCHLIST)]
        name = company["aliases"][0] if company["aliases"] else company["company"]
        units = 10_000 + 1_137 * i
        model = _MODELS[i % len(_MODELS)]
        defect = _DEFECTS[i % len(_DEFECTS)]
        stories.append(
            Story(
                f"recall-{i:03d}",
                f"{name} recalls {units:,} {model} vehicles over {defect}",
                f"{company['company']} is recalling {units:,} {model} vehicles because of "
                f"{defect}, the company said in a filing with safety regulators on Monday.",
                "recall",
                str(company["company"]),
                str(company["tickers"][0]),
                f"{units:,}",
            )
        )
    return stories


def rss(stories: list[Story], title: str = "E2E Wire", backlog: list[Story] | None = None) -> bytes:
    """An RSS 2.0 document carrying `stories`, newest first, then `backlog` dated 30 days ago.

    Dates are relative to the clock the poller reads (`time.time()`), so `stories` stay news
    under the example config's `poller.max_age: 7d` on whatever day the suite runs, and the
    backlog stays older than it.
    """
    now = datetime.fromtimestamp(time.time(), UTC)
    dated = [(s, now - timedelta(hours=1, minutes=i)) for i, s in enumerate(stories)]
    dated += [(s, now - timedelta(days=30, minutes=i)) for i, s in enumerate(backlog or [])]
    items = "".join(
        f"<item><title>{escape(s.title)}</title><link>{escape(s.link)}</link>"
        f'<guid isPermaLink="false">{escape(s.guid)}</guid>'
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(s.summary)}</description></item>"
        for s, when in dated
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.com/</link>"
        f"<description>test feed</description><language>en</language>{items}</channel></rss>"
    ).encode()


SLACK_RECALLS = "T00000001/B00000001/recallsXXXXXXXXXXXXXXXX"
SLACK_MARKETS = "T00000002/B00000002/marketsXXXXXXXXXXXXXXXX"
TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
TELEGRAM_CHAT = "-1001234567890"


def channels() -> list[dict[str, object]]:
    """Recalls to one Slack channel, crashes and targets to another, all to Telegram."""
    return [
        {"name": "slack-recalls", "url": f"slack://{SLACK_RECALLS}", "events": ["recall"]},
        {
            "name": "slack-markets",
            "url": f"slack://{SLACK_MARKETS}",
            "events": ["crash", "target_change"],
        },
        {
            "name": "telegram-desk",
            "url": f"tgram://{TELEGRAM_TOKEN}/{TELEGRAM_CHAT}",
            "watchlist_only": True,
        },
    ]


def write_config(path: Path, **sections: object) -> Path:
    """Write a config file with the test watchlist and channels plus `sections`."""
    data: dict[str, object] = {"watchlist": WATCHLIST, "channels": channels()}
    data.update(sections)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
