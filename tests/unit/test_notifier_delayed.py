"""'delayed N min' in every renderer, the ops notice's text, and the delivery log's dead rows."""

from dataclasses import replace
from pathlib import Path

import pytest

from schemas.alert import Alert
from services.notifier.console import format_alert
from services.notifier.deadletters import notice
from services.notifier.deadlog import DEAD
from services.notifier.deliverylog import DELIVERED, DeliveryLog
from services.notifier.render import render, render_digest
from services.notifier.view import delayed, view
from tests.support.clock import FakeClock
from tests.unit.test_notifier_render import alert

KINDS = ("slack", "telegram", "markdown", "html", "text")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.4, "delayed 0 s"),
        (59.4, "delayed 59 s"),
        (60, "delayed 1 min"),
        (14 * 60 + 59, "delayed 14 min"),
        (3600 + 5 * 60, "delayed 1 h 05 min"),
    ],
)
def test_how_late_reads_for_a_trader(seconds: float, text: str) -> None:
    assert delayed(seconds) == text


@pytest.mark.parametrize("kind", KINDS)
def test_every_renderer_says_how_late(kind: str) -> None:
    v = view(alert())
    late = render(replace(v, delayed=delayed(14 * 60)), kind)  # type: ignore[arg-type]
    on_time = render(v, kind)  # type: ignore[arg-type]
    assert "⏱ delayed 14 min" in late.title + late.body
    assert "delayed" not in on_time.title + on_time.body


def test_the_console_says_how_late() -> None:
    v = view(alert())
    assert "⏱ delayed 14 min" in format_alert(replace(v, delayed=delayed(14 * 60)))
    assert "delayed" not in format_alert(v)


def test_a_digest_never_says_delayed() -> None:
    v = replace(view(alert()), delayed="delayed 3 min")
    assert "delayed" in render(v, "text").body
    assert "delayed" not in render_digest([v], "text").body  # digests wait on purpose


@pytest.mark.parametrize("kind", [*KINDS, None])
def test_the_ops_notice_is_short_escaped_and_tokenless(kind: str | None) -> None:
    a: Alert = alert(title="<!channel> @here *Acme* recalls")
    reason = "channel 'desk': not delivered within 1 h 00 min (700 attempts): HTTP 500 https://hooks.slack.com/services/T1/B2/SECRETXYZ"
    msg = notice("recall-1", "desk", reason, a, kind)  # type: ignore[arg-type]
    text = msg.title + msg.body
    assert "recall-1" in text and "desk" in text and "redflag deadletter replay recall-1" in text
    assert "SECRETXYZ" not in text
    assert "@here" not in text  # defused for every service
    if kind not in ("text", None):  # markup: escaped, so no mass ping or forged tag
        assert "<!channel>" not in text
    assert msg.level == "failure"


def test_dead_rows_keep_the_alert_and_first_try_and_are_reclaimed_once(tmp_path: Path) -> None:
    clock = FakeClock()
    log = DeliveryLog(tmp_path / "notifier.db", clock=clock)
    assert log.claim("a1", "desk", 300) is None
    first = clock.now
    clock.advance(90)
    assert log.claim("a1", "desk", 300) is None  # a retry keeps the first try's time
    assert log.first_tried("a1", "desk") == first
    log.bury("a1", "desk", "why", '{"id": "a1"}')
    [dead] = log.dead()
    assert (dead.alert_id, dead.channel, dead.reason, dead.alert) == (
        "a1",
        "desk",
        "why",
        '{"id": "a1"}',
    )
    assert dead.first_at == first
    assert dead.at == clock.now  # given up at the retry's time
    assert log.dead(channel="other") == [] and log.dead(since=clock.now + 1) == []
    assert log.reclaim("a1", "desk") is None  # taken back from dead: send it
    log.mark("a1", "desk", DELIVERED)
    assert log.reclaim("a1", "desk") == DELIVERED  # never twice
    assert log.dead() == []
    assert log.state("a1", "desk") != DEAD
    log.close()


def test_an_ops_channel_that_is_not_configured_is_a_config_problem() -> None:
    from services.app.preflight import check_channels  # noqa: PLC0415
    from services.app.settings import Settings  # noqa: PLC0415

    desk = {"name": "desk", "url": "console://"}
    bad = Settings(channels=[desk], notifier={"ops_channel": "opz"})
    assert check_channels(bad) == ["notifier.ops_channel: no channel named 'opz'"]
    assert check_channels(Settings(channels=[desk], notifier={"ops_channel": "desk"})) == []


def test_an_old_max_attempts_is_flagged_when_it_ends_long_before_max_delay() -> None:
    from services.notifier.config import NotifierSettings  # noqa: PLC0415
    from services.notifier.giveup import attempts_budget  # noqa: PLC0415

    assert attempts_budget(NotifierSettings()) is None  # max_delay alone decides
    old = attempts_budget(NotifierSettings(max_attempts=8))  # 1 + 2 + 4 + 5 x 4 s
    assert old == 27.0 and old < NotifierSettings().max_delay
