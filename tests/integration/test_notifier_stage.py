"""The notifier stage end to end: SqliteBus in, Slack and Telegram out to a local chat server.

Routing, pacing, retries, dead letters, the delivery log across restarts, digests and quiet
hours, all observed on the wire (ChatServer) and on the bus.
"""

import asyncio
import io
import itertools
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from schemas import DeadLetter
from schemas.alert import Alert, Event, Facts
from services.app.settings import Settings
from services.core.lifecycle import StopSignal
from services.core.metrics import render
from services.core.sqlitebus import SqliteBus
from services.notifier import stage
from services.notifier.deliverylog import ATTEMPTING, DELIVERED, UNCERTAIN, DeliveryLog
from tests.support.chatserver import ChatServer, Reply, chat_server
from tests.support.clock import FakeClock

__all__ = ["chat_server"]

SLACK = "slack://T1/B1/XYZ"
SLACK_PATH = "/services/T1/B1/XYZ"
TELEGRAM = "tgram://123456:ABCdef/-100123"
# from the clock the notifier uses: event state is kept by report time and pruned against now
PUBLISHED = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)


def alert(n: int, kind: str = "recall", **event: Any) -> Alert:
    facts = {
        "recall": Facts(units=1000 * n),
        "crash": Facts(fatalities=0, injuries=n),
        "target_change": Facts(metric="price target", old=100, new=100 + n, currency="USD"),
    }[kind]
    fields: dict[str, Any] = {
        "type": kind,
        "confidence": 0.9,
        "company": "Acme",
        "tickers": ("ACME",),
        "facts": facts,
    }
    fields.update(event)
    return Alert(
        id=f"{kind}-{n}",
        article_id=f"art-{n}",
        title=f"Acme news number {n}",
        link=f"https://news.example/{n}",
        source="Reuters",
        published=PUBLISHED,
        lang="en",
        event=Event(**fields),
    )


def settings(
    tmp_path: Path, chat: ChatServer | None, channels: list[dict[str, Any]], **notifier: Any
) -> Settings:
    if chat is not None:
        notifier["endpoints"] = chat.endpoints
    return Settings(state_dir=tmp_path, channels=channels, notifier=notifier)


async def publish(bus: SqliteBus, s: Settings, alerts: Sequence[Alert]) -> None:
    for a in alerts:
        await bus.send(s.kafka.topics.alerts, a.id, a.model_dump_json().encode())


async def drain(
    s: Settings, bus: SqliteBus, timeout: float = 30.0, out: io.StringIO | None = None
) -> None:
    stop = StopSignal()
    stop.drain.set()
    await asyncio.wait_for(stage.run(s, bus, stop, out=out), timeout)


async def run_until(
    s: Settings, bus: SqliteBus, done: Callable[[], bool], timeout: float = 20.0
) -> None:
    """Run the stage until `done()` holds (checked every 20 ms), then stop it: no test waits
    longer than what it is waiting for."""
    stop = StopSignal()
    task = asyncio.create_task(stage.run(s, bus, stop))
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while not done():
            assert asyncio.get_running_loop().time() < deadline, "condition not met"
            assert not task.done(), task
            await asyncio.sleep(0.02)
    finally:
        stop.stop.set()
        await asyncio.wait_for(task, 30)


async def dead_letters(bus: SqliteBus, s: Settings) -> list[DeadLetter]:
    consumer = await bus.consumer([s.kafka.topics.deadletter], "test-reader")
    records = await consumer.poll(timeout=0.1)
    return [DeadLetter.model_validate_json(r.value) for r in records]


def titles(payloads: list[dict[str, Any]]) -> list[str]:
    out = []
    for p in payloads:
        text = p.get("text") or p["attachments"][0]["blocks"][1]["text"]["text"]
        out.append(text.split("|", 1)[1].split(">", 1)[0] if "|" in text else text)
    return out


async def test_routes_alerts_to_every_matching_channel_once(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(
        tmp_path,
        chat_server,
        [
            {"name": "recalls", "url": SLACK, "events": ["recall"]},
            {
                "name": "deadly",
                "url": TELEGRAM,
                "events": ["crash"],
                "min_facts": {"fatalities": 1},
            },
            {"name": "acme-tg", "url": "tgram://123456:ABCdef/555", "tickers": ["acme"]},
        ],
        pacing=False,
    )
    alerts = [alert(1), alert(2, "crash"), alert(3, "crash", facts=Facts(fatalities=2))]
    async with SqliteBus(":memory:") as bus:
        await publish(bus, s, alerts)
        await drain(s, bus)
        assert bus.committed(s.kafka.groups.notifier, s.kafka.topics.alerts) == 3
    assert titles(chat_server.slack_messages()) == ["Acme news number 1"]
    deadly = chat_server.telegram_messages("-100123")
    assert len(deadly) == 1
    assert "Acme news number 3" in deadly[0]["text"]
    assert len(chat_server.telegram_messages("555")) == 3


async def test_429_retry_after_is_honoured_and_order_kept(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    # back-off alone would retry after 0.1 s, pacing after 1 s: only the header explains 2 s
    s = settings(tmp_path, chat_server, [{"name": "slack", "url": SLACK}], backoff_base=0.1)
    chat_server.hold_until(SLACK_PATH, 1.6)  # 429 + Retry-After: 2 for the next 1.6 s
    async with SqliteBus(":memory:") as bus:
        await publish(bus, s, [alert(n) for n in range(1, 4)])
        await drain(s, bus)
    requests = chat_server.to(SLACK_PATH)
    assert [r.status for r in requests] == [429, 200, 200, 200]  # no retry inside the window
    rejected, first = requests[0], requests[1]
    assert first.at - rejected.at >= 2.0  # Retry-After: 2, waited in full...
    assert first.at - rejected.at < 3.5  # ...and not much longer
    assert titles(chat_server.slack_messages()) == [f"Acme news number {n}" for n in (1, 2, 3)]
    gaps = [b.at - a.at for a, b in itertools.pairwise(requests[1:])]
    assert all(g >= 0.95 for g in gaps)  # Slack pacing: 1 message/s per channel


async def test_telegram_retry_after_in_the_body_is_honoured(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(tmp_path, chat_server, [{"name": "tg", "url": TELEGRAM}], backoff_base=0.1)
    flood = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 2",
        "parameters": {"retry_after": 2},
    }
    chat_server.script("/bot", Reply(429, flood))  # no Retry-After header, as Telegram may do
    async with SqliteBus(":memory:") as bus:
        await publish(bus, s, [alert(1)])
        await drain(s, bus)
    requests = chat_server.to("/bot")
    assert [r.status for r in requests] == [429, 200]
    assert 2.0 <= requests[1].at - requests[0].at < 3.5


async def test_a_refused_request_is_dead_lettered_at_once(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(tmp_path, chat_server, [{"name": "slack", "url": SLACK}], pacing=False)
    chat_server.script(SLACK_PATH, Reply(404, b"channel_not_found", {"Content-Type": "text/plain"}))
    async with SqliteBus(":memory:") as bus:
        await publish(bus, s, [alert(1), alert(2)])
        await drain(s, bus)
        [letter] = await dead_letters(bus, s)
        assert bus.committed(s.kafka.groups.notifier, s.kafka.topics.alerts) == 2
    assert [r.status for r in chat_server.to(SLACK_PATH)] == [404, 200]  # not retried
    assert letter.key == "recall-1"
    assert "refused, not retried" in letter.reason
    assert "HTTP 404 channel_not_found" in letter.reason
    assert titles(chat_server.slack_messages()) == ["Acme news number 2"]


async def test_5xx_is_retried_then_dead_lettered_without_blocking_other_channels(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(
        tmp_path,
        chat_server,
        [{"name": "slack", "url": SLACK}, {"name": "tg", "url": TELEGRAM}],
        max_attempts=3,
        backoff_base=0.4,
        pacing=False,
    )
    chat_server.script(SLACK_PATH, *[Reply(500, b"oops") for _ in range(3)])
    async with SqliteBus(":memory:") as bus:
        await publish(bus, s, [alert(1), alert(2)])
        started = time.monotonic()
        await drain(s, bus)
        letters = await dead_letters(bus, s)
        assert bus.committed(s.kafka.groups.notifier, s.kafka.topics.alerts) == 2
    # Telegram got both at once, while Slack was still backing off on the first
    tg = chat_server.to("/bot")
    assert len(tg) == 2
    assert tg[-1].at - started < 1.0  # Slack alone needs >= 1.2 s to give up
    assert [r.status for r in chat_server.to(SLACK_PATH)] == [500, 500, 500, 200]
    [letter] = letters
    assert letter.stage == "notifier"
    assert letter.key == "recall-1"
    assert "'slack'" in letter.reason
    assert "3 attempts" in letter.reason
    assert "500" in letter.reason
    assert Alert.model_validate_json(letter.payload).id == "recall-1"
    assert titles(chat_server.slack_messages()) == ["Acme news number 2"]


async def test_a_timeout_is_retried(tmp_path: Path, chat_server: ChatServer) -> None:
    s = settings(
        tmp_path,
        chat_server,
        [{"name": "slack", "url": SLACK}],
        backoff_base=0.1,
        request_timeout=0.3,
    )
    chat_server.script(SLACK_PATH, Reply(503, b"slow", delay=1.0))
    async with SqliteBus(":memory:") as bus:
        await publish(bus, s, [alert(1)])
        await drain(s, bus)
    assert len(chat_server.slack_messages()) == 1
    # arrivals, not `to()`: the slow request is only recorded once its 1 s delay is over,
    # which may be after the retry was answered and the drain ended
    assert [p for p in chat_server.arrivals if p.startswith(SLACK_PATH)] == [SLACK_PATH] * 2


async def test_no_duplicates_when_alerts_are_redelivered_after_a_restart(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(
        tmp_path,
        chat_server,
        [{"name": "slack", "url": SLACK}, {"name": "tg", "url": TELEGRAM}],
        pacing=False,
    )
    async with SqliteBus(tmp_path / "bus.db") as bus:
        await publish(bus, s, [alert(n) for n in range(1, 4)])
        await drain(s, bus)
        # the crash-before-commit case: the bus hands every record out again
        bus.store_offset(s.kafka.groups.notifier, s.kafka.topics.alerts, 0)
        await drain(s, bus)
        assert bus.committed(s.kafka.groups.notifier, s.kafka.topics.alerts) == 3
    assert len(chat_server.slack_messages()) == 3
    assert len(chat_server.telegram_messages()) == 3


@pytest.mark.parametrize(("policy", "sends"), [("skip", 0), ("resend", 1)])
async def test_a_send_interrupted_by_a_crash_follows_the_uncertain_policy(
    tmp_path: Path, chat_server: ChatServer, policy: str, sends: int
) -> None:
    s = settings(
        tmp_path, chat_server, [{"name": "slack", "url": SLACK}], pacing=False, on_uncertain=policy
    )
    log = DeliveryLog(tmp_path / "notifier.db")
    log.mark("recall-1", "slack", ATTEMPTING)  # the process died right after this row
    log.close()
    async with SqliteBus(":memory:") as bus:
        await publish(bus, s, [alert(1)])
        await drain(s, bus)
    assert len(chat_server.slack_messages()) == sends
    log = DeliveryLog(tmp_path / "notifier.db")
    assert log.state("recall-1", "slack") == (UNCERTAIN if policy == "skip" else DELIVERED)
    log.close()


async def test_stop_finishes_the_send_in_flight_and_resumes_without_duplicates(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(tmp_path, chat_server, [{"name": "slack", "url": SLACK}])  # default pacing: 1/s
    async with SqliteBus(tmp_path / "bus.db") as bus:
        await publish(bus, s, [alert(n) for n in range(1, 6)])
        # stopped after the second send (pacing 1/s): the rest are queued, not sent
        await run_until(s, bus, lambda: len(chat_server.slack_messages()) >= 2)
        first = len(chat_server.slack_messages())
        assert 2 <= first < 5
        await drain(s, bus)
    assert titles(chat_server.slack_messages()) == [f"Acme news number {n}" for n in range(1, 6)]


async def test_bad_records_are_dead_lettered_and_committed(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(tmp_path, chat_server, [{"name": "slack", "url": SLACK}], pacing=False)
    async with SqliteBus(":memory:") as bus:
        await bus.send(s.kafka.topics.alerts, "junk", b'{"id": 1}')
        await publish(bus, s, [alert(1)])
        await drain(s, bus)
        [letter] = await dead_letters(bus, s)
        assert bus.committed(s.kafka.groups.notifier, s.kafka.topics.alerts) == 2
    assert letter.reason.startswith("notifier: ValidationError: invalid Alert")
    assert letter.payload == '{"id": 1}'
    assert len(chat_server.slack_messages()) == 1


async def test_digest_gathers_alerts_survives_a_restart_and_lets_critical_through(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(
        tmp_path,
        chat_server,
        [{"name": "tg", "url": TELEGRAM, "digest": {"every": "2s"}}],
        pacing=False,
    )
    critical = alert(9, "recall", facts=Facts(units=250_000))
    async with SqliteBus(tmp_path / "bus.db") as bus:
        await publish(bus, s, [alert(1), critical, alert(2)])
        await drain(s, bus)  # returns at once: held alerts are stored, their offsets committed
        assert bus.committed(s.kafka.groups.notifier, s.kafka.topics.alerts) == 3
        [sent] = chat_server.telegram_messages()
        assert "Acme news number 9" in sent["text"]  # critical: not held
        # a new process: the digest comes due and goes out
        await run_until(s, bus, lambda: len(chat_server.telegram_messages()) == 2)
    messages = chat_server.telegram_messages()
    assert len(messages) == 2
    digest = messages[1]["text"]
    assert digest.startswith("<b>🗞 Digest · 2 alerts</b>")
    assert "Acme news number 1" in digest
    assert "Acme news number 2" in digest
    log = DeliveryLog(tmp_path / "notifier.db")
    assert log.state("recall-1", "tg") == DELIVERED
    assert log.held_channels() == []
    log.close()


async def test_quiet_hours_hold_routine_alerts_until_they_end(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    now = datetime.now(UTC)
    window = {
        "start": (now - timedelta(hours=1)).strftime("%H:%M:%S"),
        "end": (now + timedelta(seconds=2)).strftime("%H:%M:%S"),
    }
    s = settings(
        tmp_path,
        chat_server,
        [{"name": "tg", "url": TELEGRAM, "quiet_hours": window}],
        pacing=False,
    )
    deadly = alert(7, "crash", facts=Facts(fatalities=4))
    async with SqliteBus(":memory:") as bus:
        await publish(bus, s, [alert(1), deadly])
        # the critical alert goes out during quiet hours; the routine one when they end
        await run_until(s, bus, lambda: len(chat_server.telegram_messages()) == 2, timeout=10)
        during = chat_server.telegram_messages()[:1]
    assert len(during) == 1
    assert "Acme news number 7" in during[0]["text"]
    after = chat_server.telegram_messages()
    assert len(after) == 2
    assert "Acme news number 1" in after[1]["text"]


async def test_without_channels_alerts_print_to_the_console(tmp_path: Path) -> None:
    s = settings(tmp_path, None, [])
    out = io.StringIO()
    async with SqliteBus(":memory:") as bus:
        await publish(bus, s, [alert(1), alert(2, "target_change")])
        await drain(s, bus, out=out)
        assert bus.committed(s.kafka.groups.notifier, s.kafka.topics.alerts) == 2
    text = out.getvalue()
    assert "RECALL  Acme (ACME)" in text
    assert "TARGET ↑  Acme (ACME)" in text
    assert "Units: 1,000" in text
    assert "USD 100 → USD 102 (+2.0%)" in text
    assert "https://news.example/1" in text
    assert "confidence 90%" in text
    assert "\033[" not in text  # no colour codes when not a terminal


async def test_the_same_alert_twice_in_the_topic_is_sent_once(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(tmp_path, chat_server, [{"name": "slack", "url": SLACK}], pacing=False)
    async with SqliteBus(":memory:") as bus:
        await publish(bus, s, [alert(1), alert(1), alert(2), alert(1)])
        await drain(s, bus)
        assert bus.committed(s.kafka.groups.notifier, s.kafka.topics.alerts) == 4
    assert titles(chat_server.slack_messages()) == ["Acme news number 1", "Acme news number 2"]


def test_the_delivery_log_forgets_only_settled_rows_past_retention(tmp_path: Path) -> None:
    clock = FakeClock()
    log = DeliveryLog(tmp_path / "notifier.db", clock=clock)
    log.mark("old", "c", DELIVERED)
    log.mark("busy", "c", ATTEMPTING)
    clock.advance(3600)
    assert log.prune(older_than=3600) == 0  # not older than an hour yet
    clock.advance(1)
    assert log.prune(older_than=3600) == 1  # both are old now: only the settled one goes
    assert log.state("old", "c") is None
    assert log.state("busy", "c") == ATTEMPTING
    log.close()


@pytest.mark.parametrize("restart", [False, True], ids=["same-run", "after-a-restart"])
async def test_a_retry_sends_only_to_the_chats_still_missing_it(
    tmp_path: Path, chat_server: ChatServer, restart: bool
) -> None:
    two_chats = "tgram://123456:ABCdef/-100123/555"
    backoff = 30.0 if restart else 0.1  # a restart comes while the stage is backing off
    s = settings(
        tmp_path,
        chat_server,
        [{"name": "tg", "url": two_chats}],
        backoff_base=backoff,
        pacing=False,
    )
    chat_server.script("/bot", Reply(200), Reply(502, b"bad gateway"))  # 2nd chat fails once
    async with SqliteBus(tmp_path / "bus.db") as bus:
        await publish(bus, s, [alert(1)])
        if restart:
            # stopped while backing off after the 502: nothing committed
            await run_until(s, bus, lambda: len(chat_server.to("/bot")) == 2)
            assert [r.status for r in chat_server.to("/bot")] == [200, 502]
        await drain(s, bus)  # after a restart, the alert comes back
        assert bus.committed(s.kafka.groups.notifier, s.kafka.topics.alerts) == 1
    assert [r.json["chat_id"] for r in chat_server.to("/bot")] == [-100123, 555, 555]
    assert len(chat_server.telegram_messages("-100123")) == 1
    assert len(chat_server.telegram_messages("555")) == 1


async def test_delivery_latency_is_measured_from_first_seen(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = settings(tmp_path, chat_server, [{"name": "latency-probe", "url": SLACK}], pacing=False)
    seen = datetime.now(UTC) - timedelta(seconds=3)
    async with SqliteBus(":memory:") as bus:
        await publish(bus, s, [alert(1).model_copy(update={"first_seen": seen})])
        await drain(s, bus)
    lines = render().decode().splitlines()
    probe = [line for line in lines if 'channel="latency-probe"' in line]
    assert 'redflag_alert_latency_seconds_bucket{channel="latency-probe",le="2.0"} 0.0' in probe
    assert 'redflag_alert_latency_seconds_bucket{channel="latency-probe",le="5.0"} 1.0' in probe
    assert 'redflag_alert_latency_seconds_count{channel="latency-probe"} 1.0' in probe
