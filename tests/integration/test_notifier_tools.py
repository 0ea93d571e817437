"""`redflag channels`, `redflag test-channel`, and secrets never reaching logs or output."""

import asyncio
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog

from schemas.alert import Alert, Event, Facts
from services.app.settings import Settings
from services.core.lifecycle import StopSignal
from services.core.logging import configure_logging
from services.core.settings import LogSettings
from services.core.sqlitebus import SqliteBus
from services.notifier import stage
from services.notifier.stage import NotifyError, list_channels
from tests.support.chatserver import ChatServer, Reply, chat_server

__all__ = ["chat_server"]

SLACK_SECRET = "XYZsecretTOKEN123"
BOT_SECRET = "ABCdefSECRETtoken"
SLACK = f"slack://T1ABC/B2DEF/{SLACK_SECRET}"
TELEGRAM = f"tgram://123456:{BOT_SECRET}/-100123"
SECRETS = (SLACK_SECRET, BOT_SECRET, f"123456:{BOT_SECRET}")


def make_settings(tmp_path: Path, **notifier: Any) -> Settings:
    channels = [
        {"name": "ops-slack", "url": SLACK, "events": ["recall"], "min_facts": {"units": 10000}},
        {
            "name": "desk-tg",
            "url": TELEGRAM,
            "watchlist_only": True,
            "quiet_hours": {"start": "22:00", "end": "07:00", "timezone": "Europe/Berlin"},
            "digest": {"every": "15m"},
        },
        {"name": "screen", "url": "console://"},
    ]
    return Settings(state_dir=tmp_path, channels=channels, notifier=notifier)


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Everything logged (ours and apprise's, at DEBUG) through redflag's logging setup."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("apprise").level)
    stream = io.StringIO()
    configure_logging(LogSettings(level="debug", format="json"), stream=stream)
    logging.getLogger("apprise").setLevel(logging.DEBUG)  # its debug lines carry the URLs
    try:
        yield stream
    finally:
        structlog.reset_defaults()
        root.handlers[:], level, apprise_level = saved
        root.setLevel(level)
        logging.getLogger("apprise").setLevel(apprise_level)


def test_list_channels_shows_rules_and_no_secrets(tmp_path: Path) -> None:
    lines = list_channels(make_settings(tmp_path))
    assert len(lines) == 3
    assert lines[0].startswith("ops-slack: slack slack://")
    assert "events=recall" in lines[0]
    assert "units ≥ 10,000" in lines[0]
    assert lines[1].startswith("desk-tg: telegram tgram://")
    assert "watchlist only" in lines[1]
    assert "quiet 22:00-07:00 Europe/Berlin" in lines[1]
    assert "digest every 15 min" in lines[1]
    assert lines[2].startswith("screen: console console://")
    for secret in SECRETS:
        assert all(secret not in line for line in lines)


async def test_test_channel_sends_one_sample(tmp_path: Path, chat_server: ChatServer) -> None:
    line = await stage.test_channel(
        make_settings(tmp_path, endpoints=chat_server.endpoints), "desk-tg"
    )
    assert line.startswith("sent a test alert to 'desk-tg' (telegram, tgram://")
    [message] = chat_server.telegram_messages("-100123")
    assert "[redflag test] Acme Motors recalls 12,000 SUVs" in message["text"]
    assert all(secret not in line for secret in SECRETS)


async def test_test_channel_reports_the_exact_failure_without_secrets(
    tmp_path: Path, chat_server: ChatServer
) -> None:
    chat_server.script("/services/", Reply(403, b"invalid_token"))
    with pytest.raises(NotifyError) as info:
        await stage.test_channel(
            make_settings(tmp_path, endpoints=chat_server.endpoints), "ops-slack"
        )
    message = str(info.value)
    assert "'ops-slack'" in message
    assert "HTTP 403 invalid_token" in message
    assert "refused" not in message  # one try: test-channel reports, it does not dead-letter
    assert all(secret not in message for secret in SECRETS)


async def test_one_masking_form_everywhere(
    tmp_path: Path, chat_server: ChatServer, captured_logs: io.StringIO
) -> None:
    """Issue 11: `channels`, `test-channel` and logs show the service, no token character
    (apprise's privacy form kept the first and last of each: `slack://T...C/B...F/X...3`)."""
    settings = make_settings(tmp_path, endpoints=chat_server.endpoints)
    listed = list_channels(settings)
    sent = await stage.test_channel(settings, "desk-tg")
    chat_server.script("/services/", Reply(403, b"invalid_token"))
    with pytest.raises(NotifyError) as info:
        await stage.test_channel(settings, "ops-slack")
    structlog.get_logger("test").warning("channel_used", url=SLACK, note=f"via {TELEGRAM}")
    logged = captured_logs.getvalue()
    assert listed[0].startswith("ops-slack: slack slack://**** ·")
    assert listed[1].startswith("desk-tg: telegram tgram://**** ·")
    assert sent == "sent a test alert to 'desk-tg' (telegram, tgram://****)"
    assert "(slack://****)" in str(info.value)
    assert '"url": "slack://****"' in logged
    assert '"note": "via tgram://****"' in logged
    for shown in [*listed, sent, str(info.value), logged]:
        for fragment in ("T1ABC", "T...C", "B...F", "123456", "1...6", "X...3", "A...n"):
            assert fragment not in shown


async def test_test_channel_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(NotifyError, match=r"no channel named 'nope'.*ops-slack, desk-tg, screen"):
        await stage.test_channel(make_settings(tmp_path), "nope")


def test_a_misconfigured_url_fails_at_start_up_without_leaking(tmp_path: Path) -> None:
    settings = Settings(
        state_dir=tmp_path,
        channels=[{"name": "bad", "url": "slack://only-one-token-SECRETbad"}],
    )
    with pytest.raises(NotifyError, match="channel 'bad'") as info:
        asyncio.run(_run_once(settings))
    assert "SECRETbad" not in str(info.value)
    [line] = list_channels(settings)
    assert "MISCONFIGURED" in line
    assert "SECRETbad" not in line


async def _run_once(settings: Settings) -> None:
    async with SqliteBus(":memory:") as bus:
        stop = StopSignal()
        stop.drain.set()
        await stage.run(settings, bus, stop)


async def test_tokens_never_reach_the_logs(
    tmp_path: Path, chat_server: ChatServer, captured_logs: io.StringIO
) -> None:
    settings = Settings(
        state_dir=tmp_path,
        channels=[{"name": "ops-slack", "url": SLACK}, {"name": "desk-tg", "url": TELEGRAM}],
        notifier={
            "max_attempts": 2,
            "backoff_base": 0.05,
            "pacing": False,
            "endpoints": chat_server.endpoints,
        },
    )
    chat_server.script("/services/", Reply(500), Reply(500))
    chat_server.script("/bot", Reply(502), Reply(502))
    alert = Alert(
        id="a1",
        article_id="x",
        title="Acme recalls 50,000 cars",
        event=Event(type="recall", confidence=0.9, company="Acme", facts=Facts(units=50_000)),
    )
    async with SqliteBus(":memory:") as bus:
        await bus.send(settings.kafka.topics.alerts, alert.id, alert.model_dump_json().encode())
        await _drain(settings, bus)
    logged = captured_logs.getvalue()
    assert "delivery_failed" in logged  # the failures were logged...
    assert "delivery_dead_lettered" in logged
    assert '"POST /services/' in logged  # ...and so were urllib3's request lines...
    assert '"POST /bot' in logged
    for secret in SECRETS:
        assert secret not in logged  # ...but never a token


async def _drain(settings: Settings, bus: SqliteBus) -> None:
    stop = StopSignal()
    stop.drain.set()
    await asyncio.wait_for(stage.run(settings, bus, stop), 30)
