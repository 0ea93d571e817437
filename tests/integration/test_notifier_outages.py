"""Chat outages (issue #13, item 3): retried until `max_delay`, recovery noticed within
seconds, late alerts marked delayed, dead-letters reported on the ops channel and replayed by
the real `redflag deadletter` command, never twice. `max_delay` is scaled down to seconds.
"""

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.core.sqlitebus import SqliteBus
from services.notifier.deadlog import DEAD
from services.notifier.deliverylog import DELIVERED, DeliveryLog
from services.notifier.tools import NotifyError
from tests.integration.test_notifier_stage import (
    SLACK,
    SLACK_PATH,
    TELEGRAM,
    alert,
    dead_letters,
    drain,
    publish,
    settings,
)
from tests.support.chatserver import ChatServer, chat_server

__all__ = ["chat_server"]

TELEGRAM_PATH = "/bot123456:ABCdef/"
REDFLAG = str(Path(sys.executable).with_name("redflag"))


@pytest.fixture
async def bus() -> AsyncIterator[SqliteBus]:
    async with SqliteBus(":memory:") as b:
        yield b


def text_of(payloads: list[dict[str, object]]) -> list[str]:
    return [json.dumps(p, ensure_ascii=False) for p in payloads]


async def test_a_500_outage_longer_than_the_old_attempt_budget_loses_nothing(
    tmp_path: Path, chat_server: ChatServer, bus: SqliteBus
) -> None:
    """Eight tries at 0.1 .. 0.5 s back-off, unpaced, took ~3 s: a 4 s outage used to
    dead-letter (the same as eight tries over ~2.5 minutes against an hour's outage)."""
    s = settings(
        tmp_path,
        chat_server,
        [
            {"name": "slack", "url": SLACK, "max_delay": "30s"},
            {"name": "tg", "url": TELEGRAM, "max_delay": "30s"},
        ],
        backoff_base=0.1,
        backoff_max=0.5,
        delayed_after=1,
        pacing=False,  # else the 1/s webhook pace, not the back-off, spaces the tries
    )
    await publish(bus, s, [alert(1)])
    chat_server.hold_until(SLACK_PATH, 4.0, status=500)
    chat_server.hold_until(TELEGRAM_PATH, 4.0, status=500)
    await drain(s, bus, timeout=40)

    assert len(chat_server.to(SLACK_PATH)) > 8  # retried past the old attempt budget
    [slack] = text_of(chat_server.slack_messages())
    [tg] = text_of(chat_server.telegram_messages())
    assert "⏱ delayed 4 s" in slack or "⏱ delayed 5 s" in slack, slack
    assert "⏱ delayed 4 s" in tg or "⏱ delayed 5 s" in tg, tg
    assert await dead_letters(bus, s) == []
    log = DeliveryLog(tmp_path / "notifier.db")
    assert log.counts() == {DELIVERED: 2}
    log.close()


async def test_alerts_queued_behind_a_failing_one_say_they_are_late_too(
    tmp_path: Path, chat_server: ChatServer, bus: SqliteBus
) -> None:
    """During an outage only the head of a channel's queue is tried; the alerts behind it were
    ready as early (flagged by the classifier), so each says how late it is, not only the
    head (a chaos run with an hour's outage found most late alerts unmarked)."""
    s = settings(
        tmp_path,
        chat_server,
        [{"name": "slack", "url": SLACK, "max_delay": "30s"}],
        backoff_base=0.1,
        backoff_max=0.5,
        delayed_after=1,
        pacing=False,
    )
    flagged = datetime.now(UTC)
    await publish(bus, s, [alert(n).model_copy(update={"detected_at": flagged}) for n in (1, 2, 3)])
    chat_server.hold_until(SLACK_PATH, 3.0, status=500)
    await drain(s, bus, timeout=40)

    texts = text_of(chat_server.slack_messages())
    assert len(texts) == 3
    assert all("⏱ delayed 3 s" in t or "⏱ delayed 4 s" in t for t in texts), texts


async def test_recovery_is_noticed_within_seconds_with_the_default_backoff_cap(
    tmp_path: Path, chat_server: ChatServer, bus: SqliteBus
) -> None:
    """Slow (~25 s): plays a 22 s outage, about the shortest that an uncapped back-off
    overshoots by more than the default cap.

    Uncapped, retries 0.5, 1, 2, 4, 8 then 16 s apart (+0-25% each) slept through the end
    of a 22 s outage by 9 s or more; capped at `backoff_max` (default 5 s) it is seen within
    5 x 1.25 s and a request."""
    s = settings(tmp_path, chat_server, [{"name": "slack", "url": SLACK}], backoff_base=0.5)
    await publish(bus, s, [alert(1)])
    until = chat_server.hold_until(SLACK_PATH, 22.0, status=500)
    await drain(s, bus, timeout=60)

    [sent] = [r for r in chat_server.to(SLACK_PATH) if r.accepted]
    assert sent.at - until < 5 * 1.25 + 1.25, f"recovery noticed {sent.at - until:.1f} s late"
    assert "delayed" not in text_of(chat_server.slack_messages())[0]  # under delayed_after


async def test_past_max_delay_it_is_dead_lettered_and_reported_on_the_ops_channel(
    tmp_path: Path, chat_server: ChatServer, bus: SqliteBus
) -> None:
    s = settings(
        tmp_path,
        chat_server,
        [
            {"name": "desk", "url": SLACK, "max_delay": "2s"},
            {"name": "ops", "url": TELEGRAM, "events": ["crash"]},
        ],
        backoff_base=0.1,
        backoff_max=0.5,
        ops_channel="ops",
    )
    await publish(bus, s, [alert(1)])
    chat_server.hold_until(SLACK_PATH, 60.0, status=500)
    started = time.monotonic()
    await drain(s, bus, timeout=30)

    assert 2.0 <= time.monotonic() - started < 10.0
    [letter] = await dead_letters(bus, s)
    assert letter.key == "recall-1"
    assert "not delivered within 2 s" in letter.reason
    [notice] = chat_server.telegram_messages()
    assert notice["text"].startswith("Dead-lettered: alert recall-1 for channel 'desk'")
    assert "not delivered within 2 s" in notice["text"]
    assert "XYZ" not in json.dumps(notice) and "slack://" not in json.dumps(notice)
    log = DeliveryLog(tmp_path / "notifier.db")
    [dead] = log.dead()
    assert (dead.alert_id, dead.channel) == ("recall-1", "desk")
    assert dead.alert is not None and json.loads(dead.alert)["id"] == "recall-1"
    log.close()


async def test_a_dead_ops_channel_does_not_report_to_itself(
    tmp_path: Path, chat_server: ChatServer, bus: SqliteBus
) -> None:
    s = settings(
        tmp_path,
        chat_server,
        [{"name": "desk", "url": SLACK}, {"name": "ops", "url": TELEGRAM}],
        backoff_base=0.1,
        backoff_max=0.5,
        max_delay=1.5,
        ops_channel="ops",
    )
    await publish(bus, s, [alert(1)])
    chat_server.hold_until(SLACK_PATH, 60.0, status=500)
    chat_server.hold_until(TELEGRAM_PATH, 60.0, status=500)
    await drain(s, bus, timeout=30)  # ends: no notice about a notice, and so on

    letters = await dead_letters(bus, s)
    assert sorted(letter.reason.split("'")[1] for letter in letters) == ["desk", "ops"]
    log = DeliveryLog(tmp_path / "notifier.db")
    dead = {(d.alert_id, d.channel) for d in log.dead()}
    assert dead == {("recall-1", "desk"), ("recall-1", "ops"), ("ops:desk:recall-1", "ops")}
    log.close()
    assert chat_server.telegram_messages() == []


def redflag(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("REDFLAG_")}
    return subprocess.run(
        [REDFLAG, *args], check=False, capture_output=True, text=True, timeout=120, env=env, cwd=cwd
    )


async def test_deadletter_list_and_replay_with_the_real_command_never_twice(
    tmp_path: Path, chat_server: ChatServer, bus: SqliteBus
) -> None:
    """Slow (~6 s): five runs of the real `redflag deadletter` command, a Python start each."""
    s = settings(
        tmp_path,
        chat_server,
        [{"name": "desk", "url": SLACK, "max_delay": "1s"}],
        backoff_base=0.1,
        backoff_max=0.3,
    )
    await publish(bus, s, [alert(1), alert(2)])
    chat_server.hold_until(SLACK_PATH, 60.0, status=500)
    await drain(s, bus, timeout=30)
    assert chat_server.slack_messages() == []
    chat_server.hold_until(SLACK_PATH, 0.0)  # the service is back
    config = tmp_path / "redflag.yaml"
    config.write_text(
        json.dumps(
            {
                "state_dir": str(tmp_path),
                "channels": [{"name": "desk", "url": SLACK}],
                "notifier": {"endpoints": chat_server.endpoints},
            }
        ),
        encoding="utf-8",
    )

    listed = await asyncio.to_thread(redflag, "deadletter", "list", "-c", str(config), cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert [line.split()[3:5] for line in lines] == [["recall-1", "desk"], ["recall-2", "desk"]]
    assert all("not delivered within 1 s" in line for line in lines)
    assert "XYZ" not in listed.stdout

    one = await asyncio.to_thread(
        redflag, "deadletter", "replay", "recall-2", "-c", str(config), cwd=tmp_path
    )
    assert one.returncode == 0, one.stderr
    assert one.stdout.startswith("recall-2 -> desk: sent (delayed"), one.stdout
    rest = await asyncio.to_thread(
        redflag, "deadletter", "replay", "--since", "1h", "-c", str(config), cwd=tmp_path
    )
    assert rest.stdout.startswith("recall-1 -> desk: sent (delayed"), rest.stdout
    again = await asyncio.to_thread(
        redflag, "deadletter", "replay", "recall-1", "-c", str(config), cwd=tmp_path
    )
    assert again.returncode == 0
    assert again.stdout.strip() == "recall-1: nothing dead-lettered (desk: delivered)"
    assert len(chat_server.slack_messages()) == 2  # each once, even replayed twice
    assert all("⏱ delayed" in t for t in text_of(chat_server.slack_messages()))
    log = DeliveryLog(tmp_path / "notifier.db")
    assert log.counts() == {DELIVERED: 2} and DEAD not in log.counts()
    log.close()
    bad = await asyncio.to_thread(
        redflag, "deadletter", "list", "--since", "soon", "-c", str(config), cwd=tmp_path
    )
    assert bad.returncode == 2 and "not a duration" in bad.stderr


async def test_an_unknown_ops_channel_stops_the_notifier_with_a_clear_error(
    tmp_path: Path, bus: SqliteBus
) -> None:
    s = settings(tmp_path, None, [{"name": "desk", "url": "console://"}], ops_channel="opz")
    with pytest.raises(NotifyError, match=r"notifier\.ops_channel: no channel named 'opz'"):
        await drain(s, bus, timeout=10)
