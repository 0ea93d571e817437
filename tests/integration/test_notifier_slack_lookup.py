"""A crash mid-send on a Slack bot channel is settled by asking Slack, not by guessing (#13).

The real notifier stage, the local Slack Web API (`ChatServer`: it keeps what is posted and
answers `conversations.history`/`replies`/`list`); leftover `attempting` rows made by a real
kill -9 or through the public DeliveryLog API.
"""

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from schemas.alert import Alert
from services.app.settings import Settings
from services.core.lifecycle import StopSignal
from services.core.sqlitebus import SqliteBus
from services.events.rules import load_rules
from services.notifier import stage
from services.notifier.deliverylog import ATTEMPTING, DELIVERED, UNCERTAIN, DeliveryLog
from tests.integration.test_notifier_events import FOUR, UNRELATED
from tests.support.chatserver import ChatServer, Reply, chat_server
from tests.support.procs import ROOT, stage_env

__all__ = ["chat_server"]

TOKEN = "xoxb-1234-1234-abc124"
BOT = f"slack://{TOKEN}/#markets"
POST = "/api/chat.postMessage"
HISTORY = "/api/conversations.history"
NOTIFIER = """
import asyncio, json, sys
from services.app.settings import Settings
from services.core.lifecycle import StopSignal
from services.core.sqlitebus import SqliteBus
from services.notifier import stage

async def main() -> None:
    async with SqliteBus(sys.argv[2]) as bus:
        await stage.run(Settings(**json.loads(sys.argv[1])), bus, StopSignal())

asyncio.run(main())
"""


def tag(key: str) -> dict[str, Any]:
    """The metadata the notifier puts on a bot message (Slack's documented shape)."""
    return {"event_type": "redflag_alert", "event_payload": {"key": key, "alert_id": key}}


def config(tmp_path: Path, chat: ChatServer, url: str = BOT, **notifier: Any) -> dict[str, Any]:
    """Settings as a plain dict (a subprocess gets it as JSON): one bot-token channel."""
    notifier = {"endpoints": chat.endpoints, "pacing": False, **notifier}
    channels = [{"name": "bot", "url": url}]
    return {"state_dir": str(tmp_path), "channels": channels, "notifier": notifier}


async def publish(s: Settings, alerts: list[Alert]) -> None:
    async with SqliteBus(s.state_dir / "bus.db") as bus:
        for a in alerts:
            await bus.send(s.kafka.topics.alerts, a.id, a.model_dump_json().encode())


async def drain(s: Settings) -> None:
    """Run the notifier until every record is handled (a fresh process, after the crash)."""
    async with SqliteBus(s.state_dir / "bus.db") as bus:
        stop = StopSignal()
        stop.drain.set()
        await asyncio.wait_for(stage.run(s, bus, stop), 30)


def crashed_send(tmp_path: Path, key: str, channel: str = "bot") -> DeliveryLog:
    """The row a notifier leaves when it dies between claiming a send and recording it."""
    log = DeliveryLog(tmp_path / "notifier.db")
    assert log.claim(key, channel, lease=300) is None
    return log


def state(tmp_path: Path, key: str) -> tuple[str | None, str | None]:
    log = DeliveryLog(tmp_path / "notifier.db")
    try:
        return log.state(key, "bot"), log.message_ref(key, "bot", "#markets")
    finally:
        log.close()


async def test_a_message_slack_took_before_a_kill_9_is_not_sent_again(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    # Slack keeps the message at once but answers late: the notifier dies waiting for it
    chat_server.script(POST, Reply(default=True, delay=30))
    raw = config(tmp_path, chat_server, on_uncertain="resend")  # the policy that would resend
    s = Settings(**raw)
    alert = FOUR[0]
    await publish(s, [alert])
    proc = subprocess.Popen(
        [sys.executable, "-c", NOTIFIER, json.dumps(raw), str(tmp_path / "bus.db")],
        cwd=ROOT,
        env=stage_env({}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not chat_server.slack.messages("#markets"):
            assert proc.poll() is None and time.monotonic() < deadline, "no send arrived"
            await asyncio.sleep(0.05)
    finally:
        proc.kill()  # SIGKILL mid-send: 'delivered' is never written
        proc.wait(10)
    assert state(tmp_path, alert.id) == (ATTEMPTING, None)

    await drain(s)

    assert len(chat_server.slack.messages("#markets")) == 1  # never a second message
    assert state(tmp_path, alert.id) == (DELIVERED, "C1 1.000001")  # its ts, for threads
    [read] = chat_server.to(HISTORY)
    assert read.query["include_all_metadata"] == "true"
    assert read.headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(("target", "lists"), [("#markets", 1), ("C0123ABCD", 0)])
async def test_a_claim_whose_message_never_reached_slack_is_sent_once_even_under_skip(
    tmp_path: Path, chat_server: ChatServer, target: str, lists: int
) -> None:
    url = f"slack://{TOKEN}/{target}"
    s = Settings(**config(tmp_path, chat_server, url, on_uncertain="skip"))
    ident = chat_server.slack.channel(target)  # the workspace has the channel; nothing in it
    alert = FOUR[0]
    crashed_send(tmp_path, alert.id).close()
    await publish(s, [alert])
    await drain(s)
    [message] = chat_server.slack_api_messages()
    assert message["metadata"] == tag(alert.id)
    log = DeliveryLog(tmp_path / "notifier.db")
    assert log.state(alert.id, "bot") == DELIVERED
    assert log.message_ref(alert.id, "bot", target) == f"{ident} 1.000001"
    log.close()
    # a name needs conversations.list to find its id; an id is read at once
    assert len(chat_server.to("/api/conversations.list")) == lists
    assert [r.query["channel"] for r in chat_server.to(HISTORY)] == [ident]
    await drain(s)  # and after another restart: still once
    assert len(chat_server.slack_api_messages()) == 1


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        (
            Reply(200, {"ok": False, "error": "missing_scope", "needed": "channels:history"}),
            "HTTP 200 missing_scope (the token needs scope channels:history)",
        ),
        (Reply(200, {"ok": False, "error": "not_in_channel"}), "HTTP 200 not_in_channel"),
        (
            Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"}),
            "HTTP 429 ratelimited (retry after 30 s)",
        ),
        (Reply(200, {"ok": True}, delay=1.5), "no answer within 0.5 s"),
    ],
)
async def test_when_slack_cannot_say_on_uncertain_decides_and_the_warning_names_why(
    tmp_path: Path, chat_server: ChatServer, reply: Reply, why: str
) -> None:
    s = Settings(**config(tmp_path, chat_server, on_uncertain="skip", request_timeout=0.5))
    chat_server.script(HISTORY, reply)
    alert = FOUR[0]
    chat_server.add_slack_message("#markets", metadata=tag(alert.id))
    crashed_send(tmp_path, alert.id).close()
    await publish(s, [alert])
    with capture_logs() as logs:
        await drain(s)
    assert chat_server.slack_api_messages() == []  # skip: never sent twice
    assert state(tmp_path, alert.id)[0] == UNCERTAIN
    [failed] = [e for e in logs if e["event"] == "delivery_lookup_failed"]
    assert failed["log_level"] == "warning"
    assert failed["reason"] == f"slack conversations.history: {why}"
    assert any(e["event"] == "delivery_uncertain" for e in logs)
    assert not [e for e in logs if TOKEN in repr(e) or "abc124" in repr(e)]


async def test_a_failed_lookup_under_resend_sends_it_again(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = Settings(**config(tmp_path, chat_server, on_uncertain="resend"))
    chat_server.script(HISTORY, Reply(200, {"ok": False, "error": "not_in_channel"}))
    crashed_send(tmp_path, FOUR[0].id).close()
    await publish(s, [FOUR[0]])
    await drain(s)
    assert len(chat_server.slack_api_messages()) == 1
    assert state(tmp_path, FOUR[0].id)[0] == DELIVERED


async def test_a_multi_target_url_is_looked_up_per_target_the_log_has_not_seen_accept(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = Settings(**config(tmp_path, chat_server, f"slack://{TOKEN}/#a/#b/#c"))
    alert = FOUR[0]
    for name in ("#a", "#b", "#c"):
        chat_server.slack.channel(name)
    chat_server.add_slack_message("#a", metadata=tag(alert.id))  # accepted and logged
    chat_server.add_slack_message("#b", metadata=tag(alert.id))  # in flight when it died
    log = crashed_send(tmp_path, alert.id)
    log.accept(alert.id, "bot", "#a")
    log.close()
    await publish(s, [alert])
    await drain(s)
    assert [m["channel"] for m in chat_server.slack_api_messages()] == ["#c"]  # only #c
    assert {r.query["channel"] for r in chat_server.to(HISTORY)} == {
        chat_server.slack.channel("#b"),
        chat_server.slack.channel("#c"),
    }
    log = DeliveryLog(tmp_path / "notifier.db")
    assert log.state(alert.id, "bot") == DELIVERED
    assert log.accepted(alert.id, "bot") == {"#a", "#b", "#c"}
    log.close()


async def test_a_thread_reply_is_found_in_its_thread(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = Settings(**config(tmp_path, chat_server, on_uncertain="resend"))
    first, repeat = FOUR[0], FOUR[1]
    await publish(s, [first])
    await drain(s)  # the event's first alert, delivered: the thread's parent
    parent = state(tmp_path, first.id)[1]
    assert parent is not None
    channel, _, thread_ts = parent.partition(" ")
    # the repeat was routed (its event state written), claimed, and posted in the thread
    log = DeliveryLog(tmp_path / "notifier.db")
    seen = log.observe(repeat, load_rules())
    assert log.opener(seen.event_id, "bot", repeat.id) == first.id
    assert log.claim(repeat.id, "bot", lease=300) is None
    log.close()
    ts = chat_server.add_slack_message(channel, metadata=tag(repeat.id), thread_ts=thread_ts)
    await publish(s, [repeat])
    await drain(s)
    assert len(chat_server.slack_api_messages()) == 1  # the first alert only: no second reply
    assert state(tmp_path, repeat.id) == (DELIVERED, f"{channel} {ts}")


@pytest.mark.parametrize(("others", "found"), [(450, True), (2100, False)])
async def test_history_is_read_page_by_page_up_to_a_bound(
    tmp_path: Path, chat_server: ChatServer, others: int, found: bool
) -> None:
    s = Settings(**config(tmp_path, chat_server, on_uncertain="skip"))
    alert = FOUR[0]
    crashed_send(tmp_path, alert.id).close()
    chat_server.add_slack_message("#markets", metadata=tag(alert.id))
    for n in range(others):  # a busy channel since: ours is on the last page
        chat_server.add_slack_message("#markets", metadata=tag(f"other-{n}"))
    await publish(s, [alert])
    with capture_logs() as logs:
        await drain(s)
    assert chat_server.slack_api_messages() == []
    assert state(tmp_path, alert.id)[0] == (DELIVERED if found else UNCERTAIN)
    pages = chat_server.to(HISTORY)
    assert len(pages) == (3 if found else 10)
    if not found:
        [failed] = [e for e in logs if e["event"] == "delivery_lookup_failed"]
        assert "more than 2000 entries to read" in failed["reason"]


@pytest.mark.parametrize("reached", [True, False])
async def test_a_replay_cut_short_is_confirmed_or_dead_lettered_again(
    tmp_path: Path, chat_server: ChatServer, reached: bool
) -> None:
    s = Settings(**config(tmp_path, chat_server, on_uncertain="skip"))
    chat_server.slack.channel("#markets")
    alert = FOUR[0]
    log = DeliveryLog(tmp_path / "notifier.db")
    log.bury(alert.id, "bot", "channel 'bot': not delivered within 1 h", alert.model_dump_json())
    assert log.reclaim(alert.id, "bot") is None  # `redflag deadletter replay` claimed it...
    log.close()
    if reached:  # ...and Slack took its message before the replay died
        chat_server.add_slack_message("#markets", metadata=tag(alert.id))
    await drain(s)  # the notifier's next start: no record of it comes back (committed long ago)
    log = DeliveryLog(tmp_path / "notifier.db")
    if reached:
        assert log.state(alert.id, "bot") == DELIVERED
    else:  # never sent: dead again, so it is listed and can be replayed
        [dead] = log.dead()
        assert dead.alert_id == alert.id
        assert "replay cut by a restart, not in Slack (#markets)" in dead.reason
    log.close()
    assert chat_server.slack_api_messages() == []


async def test_a_stop_during_the_lookups_leaves_the_rest_for_the_next_start(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    s = Settings(**config(tmp_path, chat_server, "slack://xoxb-1-2-x/C1", on_uncertain="skip"))
    chat_server.slack.channel("C1")
    empty = {"ok": True, "messages": [], "response_metadata": {"next_cursor": ""}}
    chat_server.script(HISTORY, Reply(200, empty, delay=2.0))  # Slack answers slowly
    log = crashed_send(tmp_path, "alert-1")
    assert log.claim("alert-2", "bot", lease=300) is None
    log.close()
    async with SqliteBus(s.state_dir / "bus.db") as bus:
        stop = StopSignal()
        run = asyncio.create_task(stage.run(s, bus, stop))
        deadline = time.monotonic() + 10
        while not any(p.startswith(HISTORY) for p in chat_server.arrivals):
            assert time.monotonic() < deadline, "no lookup arrived"
            await asyncio.sleep(0.02)
        stop.stop.set()  # SIGTERM while the first lookup waits for its answer
        await asyncio.wait_for(run, 10)
    log = DeliveryLog(tmp_path / "notifier.db")
    states = {a: log.state(a, "bot") for a in ("alert-1", "alert-2")}
    log.close()
    assert len(chat_server.to(HISTORY)) == 1  # the second was not read...
    assert sorted(states.values()) == [ATTEMPTING, "failed"]  # ...nor settled blind


async def test_a_stop_while_slack_does_not_answer_ends_the_stage_within_5_s(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    """Issue 13 item 4 (SIGTERM within 5 s in every state) holds during the start-up lookup:
    a read waits at most READ_TIMEOUT, and no further page is read once stopping."""
    s = Settings(**config(tmp_path, chat_server, "slack://xoxb-1-2-x/C1", on_uncertain="skip"))
    chat_server.slack.channel("C1")
    empty = {"ok": True, "messages": [], "response_metadata": {"next_cursor": ""}}
    chat_server.script(HISTORY, Reply(200, empty, delay=30.0))  # Slack hangs (timeout 10 s)
    crashed_send(tmp_path, "alert-1").close()
    async with SqliteBus(s.state_dir / "bus.db") as bus:
        stop = StopSignal()
        run = asyncio.create_task(stage.run(s, bus, stop))
        deadline = time.monotonic() + 10
        while not any(p.startswith(HISTORY) for p in chat_server.arrivals):
            assert time.monotonic() < deadline, "no lookup arrived"
            await asyncio.sleep(0.02)
        stop.stop.set()  # SIGTERM while the read waits
        began = time.monotonic()
        await asyncio.wait_for(run, 10)
        assert time.monotonic() - began < 5.0
    assert state(tmp_path, "alert-1")[0] == ATTEMPTING  # not settled blind: asked next start


@pytest.mark.parametrize("reached", [True, False])
async def test_a_digest_cut_short_is_looked_up_like_an_alert(
    tmp_path: Path, chat_server: ChatServer, reached: bool
) -> None:
    raw = config(tmp_path, chat_server, on_uncertain="skip")
    raw["channels"][0]["digest"] = {"every": "1s"}
    s = Settings(**raw)
    chat_server.slack.channel("#markets")
    log = DeliveryLog(tmp_path / "notifier.db")
    for a in (FOUR[0], UNRELATED):
        log.hold("bot", a)
    assert len(log.open_batch("bot", "b1", 50)) == 2
    assert log.claim("digest:b1", "bot", lease=300) is None  # the digest was being sent...
    if reached:  # ...and Slack had taken it
        payload = {"key": "digest:b1"}
        chat_server.add_slack_message(
            "#markets", metadata={"event_type": "redflag_alert", "event_payload": payload}
        )
    async with SqliteBus(s.state_dir / "bus.db") as bus:
        stop = StopSignal()
        run = asyncio.create_task(stage.run(s, bus, stop))
        deadline = time.monotonic() + 20
        while log.held_channels():  # the batch is closed once its outcome is known
            assert time.monotonic() < deadline and not run.done(), "the digest stayed open"
            await asyncio.sleep(0.05)
        stop.stop.set()
        await asyncio.wait_for(run, 10)
    assert log.state("digest:b1", "bot") == DELIVERED
    log.close()
    sent = chat_server.slack_api_messages()
    if reached:
        assert sent == []
    else:
        [digest] = sent
        assert digest["metadata"]["event_payload"] == {"key": "digest:b1"}
