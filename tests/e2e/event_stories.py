"""One recall told by four outlets (two languages), then grown, then an unrelated one (#12).

`ROUND_1` is what four feeds carry first; `round_2()` what they carry next: the expansion,
an unrelated recall by the same company the same day, and a cosmetic edit of a report under
its guid. `check_thread` reads what the chat server received.
"""

import asyncio
import time
from collections.abc import Callable

from tests.e2e.checks import _plain
from tests.e2e.stories import SLACK_RECALLS, TELEGRAM_CHAT, Story, rss
from tests.support.chatserver import ChatServer, slack_text
from tests.support.feedserver import FeedServer


def _story(guid: str, title: str, summary: str, figure: str = "142,000") -> Story:
    return Story(guid, title, summary, "recall", "Ford Motor", "F", figure)


WIRE = _story(
    "ev-wire",
    "Ford recalls 142,000 Explorer SUVs over seat belt anchor fault",
    "Ford Motor is recalling 142,000 Explorer SUVs in the United States because a rear seat "
    "belt anchor may detach in a collision, according to a filing with regulators.",
)
TV = _story(
    "ev-tv",
    "Ford to recall about 142,000 Explorers on seat belt risk",
    "The carmaker said owners of about 142,000 Explorer sport utility vehicles will be "
    "notified by mail.",
)
CN = _story(
    "ev-cn",
    "福特召回14.2万辆探险者SUV",
    "福特汽车将召回14.2万辆探险者SUV\uff0c原因是后排安全带固定点可能在碰撞中脱落。",
)
CN_EDITED = _story(CN.guid, "福特召回14.2万辆探险者SUV 安全带隐患", CN.summary)
AP = _story(
    "ev-ap",
    "Explorer owners: Ford recall covers 142,000 SUVs",
    "Ford Motor's recall of 142,000 Explorer SUVs covers model years 2020 to 2022, "
    "regulators said.",
)
EXPANSION = _story(
    "ev-expansion",
    "Ford expands Explorer recall to 1.2 million SUVs",
    "Ford Motor expanded its seat belt recall to 1.2 million Explorer SUVs, up from 142,000, "
    "after more reports of detached anchors.",
    "1,200,000",
)
UNRELATED = _story(
    "ev-f150",
    "Ford recalls 38,000 F-150 trucks over loose wheel nuts",
    "Ford Motor is recalling 38,000 F-150 pickup trucks because wheel nuts may loosen, the "
    "company said in a filing on Monday.",
    "38,000",
)

FEEDS = ("wire", "tv", "cn", "ap")
ROUND_1 = {"wire": [WIRE], "tv": [TV], "cn": [CN], "ap": [AP]}


def round_2() -> dict[str, list[Story]]:
    """The expansion on the wire, an unrelated recall on AP, a reworded Chinese report."""
    return {"wire": [EXPANSION, WIRE], "tv": [TV], "cn": [CN_EDITED], "ap": [UNRELATED, AP]}


def documents(stories: dict[str, list[Story]]) -> dict[str, bytes]:
    """Feed path -> RSS body."""
    return {f"/{name}.xml": rss(items, name) for name, items in stories.items()}


def serve(feeds: FeedServer, stories: dict[str, list[Story]]) -> None:
    """Put each outlet's feed on the local feed server."""
    for path, body in documents(stories).items():
        feeds.set(path, body)


def feed_configs(feeds: FeedServer, **extra: object) -> list[dict[str, object]]:
    """The four outlets as config entries (local test servers: private addresses allowed)."""
    return [
        {"name": n, "url": feeds.url(f"/{n}.xml"), "allow_private": True, **extra} for n in FEEDS
    ]


def telegram(chat: ChatServer) -> list[dict[str, object]]:
    """What the Telegram desk received, in order."""
    return chat.telegram_messages(TELEGRAM_CHAT)


def check_thread(chat: ChatServer, *, grown: bool) -> None:
    """One alert per event, reports threaded under it, and (when `grown`) one UPDATE."""
    tg = telegram(chat)
    firsts = [m for m in tg if "reply_to_message_id" not in m]
    replies = [m for m in tg if "reply_to_message_id" in m]
    first = [m for m in firsts if "142,000" in _plain(str(m["text"]))]
    assert len(first) == 1, [m["text"] for m in tg]
    assert "RECALL" in str(first[0]["text"]) and "UPDATE" not in str(first[0]["text"])
    reports = [m for m in replies if "REPORT" in str(m["text"])]
    assert len(reports) == 3, [m["text"] for m in tg]
    assert len({m["reply_to_message_id"] for m in replies}) == 1
    slack = [_plain(slack_text(p)) for p in chat.slack_messages(SLACK_RECALLS)]
    updates = [m for m in replies if "UPDATE" in str(m["text"])]
    if not grown:
        assert len(tg) == 4 and len(firsts) == 1
        assert len(slack) == 1  # a webhook cannot thread: later reports are counted only
        return
    assert len(updates) == 1, [m["text"] for m in tg]
    assert "142,000 → 1,200,000" in _plain(str(updates[0]["text"]))
    assert len(firsts) == 2 and any("38,000" in _plain(str(m["text"])) for m in firsts)
    assert len(tg) == 6  # first + 3 reports + UPDATE + the unrelated recall; the edit: nothing
    assert len(slack) == 3 and sum("UPDATE" in text for text in slack) == 1, slack


async def until(predicate: Callable[[], bool], timeout: float) -> None:
    """Wait (polling) until `predicate()` holds; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.1)
