"""Events in the notifier: one alert per event, later reports threaded, updates, modes, restarts.

SqliteBus in, Slack (bot token and webhook) and Telegram out to the local chat server.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from schemas.alert import Alert, Event, Facts
from services.app.settings import Settings
from services.core.lifecycle import StopSignal
from services.core.metrics import total
from services.core.sqlitebus import SqliteBus
from services.events.rules import load_rules
from services.notifier import stage
from services.notifier.deliverylog import DELIVERED, DeliveryLog
from tests.support.chatserver import ChatServer, chat_server, slack_text

__all__ = ["chat_server"]

BOT = "slack://xoxb-1234-1234-abc124/#markets"
HOOK = "slack://T1/B1/XYZ"
TELEGRAM = "tgram://123456:ABCdef/-100123"
NOW = datetime.now(UTC)


def recall(
    n: int,
    units: int | None = 100_000,
    *,
    source: str = "Reuters",
    title: str = "Ford recalls 100,000 Explorers over seat belts",
    company: str = "Ford",
    lang: str = "en",
    article: str | None = None,
    minutes: int = 0,
) -> Alert:
    return Alert(
        id=f"alert-{n}",
        article_id=article or f"art-{n}",
        title=title,
        link=f"https://news{n}.example/ford",
        source=source,
        published=NOW - timedelta(hours=1) + timedelta(minutes=minutes),
        lang=lang,
        event=Event(
            type="recall",
            confidence=0.9,
            company=company,
            tickers=("F",),
            facts=Facts(units=units),
            on_watchlist=True,
        ),
    )


FOUR = [
    recall(1, 100_000),
    recall(2, 100_000, source="CNBC", title="Ford to recall about 100,000 SUVs", minutes=5),
    recall(3, 100_400, source="财联社", title="福特召回约10万辆汽车", lang="zh", minutes=9),
    recall(4, None, source="AP", title="Ford Explorer recall: what owners should know", minutes=20),
]
EXPANSION = recall(
    5, 1_200_000, source="Reuters", title="Ford expands Explorer recall to 1.2 million", minutes=60
)
UNRELATED = recall(6, 40_000, source="AP", title="Ford recalls 40,000 F-150 trucks", minutes=70)


def settings(tmp_path: Path, chat: ChatServer, *channels: dict[str, Any]) -> Settings:
    return Settings(
        state_dir=tmp_path, channels=list(channels), notifier={"endpoints": chat.endpoints}
    )


async def deliver(s: Settings, alerts: list[Alert]) -> None:
    """Publish `alerts` and run the notifier until they are all handled (a fresh process)."""
    async with SqliteBus(s.state_dir / "bus.db") as bus:
        for a in alerts:
            await bus.send(s.kafka.topics.alerts, a.id, a.model_dump_json().encode())
        stop = StopSignal()
        stop.drain.set()
        await asyncio.wait_for(stage.run(s, bus, stop), 30)


async def test_one_alert_per_event_later_reports_threaded_under_it(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(
        tmp_path,
        chat_server,
        {"name": "bot", "url": BOT},
        {"name": "hook", "url": HOOK},
        {"name": "tg", "url": TELEGRAM},
    )
    await deliver(s, FOUR)
    slack = chat_server.slack_api_messages()
    assert len(slack) == 4
    assert "thread_ts" not in slack[0]
    first_ts = {p.get("thread_ts") for p in slack[1:]}
    assert len(first_ts) == 1 and None not in first_ts
    assert all(p["channel"] == "C1" for p in slack[1:])  # the parent's channel, by id
    assert "REPORT 4" in slack_text(slack[3]) and "财联社" in slack_text(slack[3])
    # the webhook cannot thread: the first report only
    assert len(chat_server.slack_messages("T1/B1/XYZ")) == 1
    tg = chat_server.telegram_messages()
    assert len(tg) == 4
    assert "reply_to_message_id" not in tg[0]
    parents = {p["reply_to_message_id"] for p in tg[1:]}
    assert len(parents) == 1

    # after a restart: the expansion is one UPDATE threaded under the same first alert,
    # an unrelated recall the same day is a new top-level alert
    await deliver(s, [EXPANSION, UNRELATED])
    slack = chat_server.slack_api_messages()
    update, unrelated = slack[4], slack[5]
    assert update.get("thread_ts") in first_ts
    text = slack_text(update)
    assert "UPDATE" in text and "100,000 → 1,200,000" in text
    assert "thread_ts" not in unrelated and "UPDATE" not in slack_text(unrelated)
    hook = chat_server.slack_messages("T1/B1/XYZ")
    assert len(hook) == 3  # first, UPDATE (top-level: a webhook cannot thread), unrelated
    assert "UPDATE" in slack_text(hook[1])
    # top-level, it names the alert it updates; in a thread the parent says it
    assert "Update of" in slack_text(hook[1]) and FOUR[0].title in slack_text(hook[1])
    assert "Update of" not in text
    tg = chat_server.telegram_messages()
    assert tg[4]["reply_to_message_id"] in parents and "UPDATE" in tg[4]["text"]
    assert "reply_to_message_id" not in tg[5]


async def test_update_only_and_every_report_modes(tmp_path: Path, chat_server: ChatServer) -> None:
    s = settings(
        tmp_path,
        chat_server,
        {"name": "updates", "url": TELEGRAM, "reports": "update_only"},
        {"name": "all", "url": "tgram://123456:ABCdef/777", "reports": "every_report"},
    )
    await deliver(s, [*FOUR, EXPANSION])
    quiet = chat_server.telegram_messages("-100123")
    assert len(quiet) == 2
    assert "UPDATE" in quiet[1]["text"] and "reply_to_message_id" in quiet[1]
    every = chat_server.telegram_messages("777")
    assert len(every) == 5
    assert not any("reply_to_message_id" in p or "UPDATE" in p["text"] for p in every)


async def test_a_redelivered_repeat_is_not_sent_again(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(tmp_path, chat_server, {"name": "tg", "url": TELEGRAM})
    await deliver(s, FOUR[:2])
    await deliver(s, FOUR[:2])  # the topic replays both (e.g. offsets not committed)
    assert len(chat_server.telegram_messages()) == 2


async def test_a_first_report_decided_before_a_crash_is_still_sent_as_the_first(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    # the process recorded the decision and died before sending: the replay sends it, once,
    # as the event's first alert, and the next report threads under it
    log = DeliveryLog(tmp_path / "notifier.db")
    assert log.observe(FOUR[0], load_rules()).decision.kind == "first"
    log.close()
    s = settings(tmp_path, chat_server, {"name": "tg", "url": TELEGRAM})
    await deliver(s, FOUR[:2])
    first, reply = chat_server.telegram_messages()
    assert "reply_to_message_id" not in first and "RECALL" in first["text"]
    assert reply["reply_to_message_id"] > 0
    log = DeliveryLog(tmp_path / "notifier.db")
    assert log.state(FOUR[0].id, "tg") == DELIVERED
    log.close()


async def test_an_edited_article_material_change_updates_cosmetic_sends_nothing(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(tmp_path, chat_server, {"name": "tg", "url": TELEGRAM})
    original = recall(1, 100_000)
    cosmetic = recall(
        7, 100_200, article="art-1", title="Ford recalls 100,000 Explorers (corrected)"
    )
    material = recall(8, 250_000, article="art-1", title="Ford recalls 250,000 Explorers")
    await deliver(s, [original, cosmetic, material])
    sent = chat_server.telegram_messages()
    assert len(sent) == 2
    assert "UPDATE" in sent[1]["text"] and "100,000 → 250,000" in sent[1]["text"]


async def test_event_metrics(tmp_path: Path, chat_server: ChatServer) -> None:
    def value(name: str, **labels: str) -> float:
        return total(name, **labels)

    before = (
        value("redflag_event_reports_total", kind="repeat"),
        value("redflag_event_repeats_suppressed_total", channel="metrics-tg"),
        value("redflag_event_updates_total", channel="metrics-tg"),
    )
    s = settings(tmp_path, chat_server, {"name": "metrics-tg", "url": TELEGRAM})
    await deliver(s, [*FOUR, EXPANSION])
    after = (
        value("redflag_event_reports_total", kind="repeat"),
        value("redflag_event_repeats_suppressed_total", channel="metrics-tg"),
        value("redflag_event_updates_total", channel="metrics-tg"),
    )
    assert [a - b for a, b in zip(after, before, strict=True)] == [3, 3, 1]


async def test_a_digest_shows_the_count_of_later_reports(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = Settings(
        state_dir=tmp_path,
        channels=[{"name": "hook", "url": HOOK, "digest": {"every": "2s"}}],
        notifier={"endpoints": chat_server.endpoints, "critical_units": 10**9, "pacing": False},
    )
    await deliver(s, FOUR)  # the first is held for the digest, the rest only counted
    assert chat_server.slack_messages() == []
    async with SqliteBus(s.state_dir / "bus.db") as bus:
        stop = StopSignal()
        task = asyncio.create_task(stage.run(s, bus, stop))
        await asyncio.to_thread(chat_server.wait_for, 1, 10.0)  # the digest comes due
        stop.stop.set()
        await asyncio.wait_for(task, 30)
    [digest] = chat_server.slack_messages()
    text = slack_text(digest)
    assert "1 alert" in text and "Reports 4 (Reuters, CNBC, 财联社, AP)" in text


async def test_a_held_update_shows_old_to_new_in_the_digest(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = Settings(
        state_dir=tmp_path,
        channels=[
            {"name": "hook", "url": HOOK, "digest": {"every": "2s"}},
            {
                "name": "all",
                "url": "tgram://123456:ABCdef/777",
                "reports": "every_report",
                "digest": {"every": "2s"},
            },
        ],
        notifier={"endpoints": chat_server.endpoints, "critical_units": 10**9, "pacing": False},
    )
    await deliver(s, [FOUR[0], FOUR[1], EXPANSION])  # first and UPDATE held, the repeat counted
    async with SqliteBus(s.state_dir / "bus.db") as bus:
        stop = StopSignal()
        task = asyncio.create_task(stage.run(s, bus, stop))
        await asyncio.sleep(3.0)  # the digests come due
        stop.stop.set()
        await asyncio.wait_for(task, 30)
    [digest] = chat_server.slack_messages()
    first, update = slack_text(digest).split("\n")[-2:]
    assert "UPDATE" not in first and "Units 100,000" in first
    assert "UPDATE · RECALL" in update and "Units 100,000 → 1,200,000" in update
    assert "Update of Ford recalls 100,000 Explorers over seat belts (" in update
    # every_report: each report is its own alert, in a digest too
    [every] = chat_server.telegram_messages("777")
    assert "3 alerts" in every["text"] and "UPDATE" not in every["text"]


async def test_two_recalls_of_one_size_on_one_day_are_two_events_across_a_restart(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    # the same company, the same day, unit counts within rounding: different models and parts
    # make two alerts; after a restart, a Chinese report naming the first one's part and
    # model threads under it (the event's products are kept in notifier.db)
    s = settings(tmp_path, chat_server, {"name": "tg", "url": TELEGRAM})
    pickups = recall(1, 100_000, title="Ford recalls 100,000 F-150 pickups over rear axle bolts")
    suvs = recall(
        2, 100_400, title="Ford recalls 100,400 Explorer SUVs over seat belt anchors", minutes=20
    )
    await deliver(s, [pickups, suvs])
    chinese = recall(
        3,
        100_000,
        source="财联社",
        title="福特召回10万辆F-150皮卡\uff0c后桥螺栓可能松动",
        lang="zh",
        minutes=40,
    )
    await deliver(s, [chinese])
    first, second, reply = chat_server.telegram_messages()
    assert "reply_to_message_id" not in first and "reply_to_message_id" not in second
    assert "F-150" in first["text"] and "Explorer" in second["text"]
    assert reply["reply_to_message_id"] == 1 and "REPORT 2" in reply["text"]
