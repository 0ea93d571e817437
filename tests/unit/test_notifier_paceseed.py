"""A channel's pacer, seeded from the delivery rows its previous owner left (paceseed.py)."""

from pathlib import Path

import pytest

from services.notifier.channels import Channel
from services.notifier.config import ChannelConfig
from services.notifier.deliverylog import DELIVERED, FAILED, UNCERTAIN, DeliveryLog
from services.notifier.paceseed import seed
from services.notifier.pacing import Limit, Pacer

WALL = 1_000_000.0  # the rows' wall clock (epoch seconds), read from the log's own clock
NOW = 50.0  # the new owner's monotonic clock


def _channel(count: int, period: float) -> Channel:
    config = ChannelConfig(name="desk", url="json://127.0.0.1:9/hook")
    return Channel(config=config, kind=None, limits=((Limit("channel:desk", count, period), 1),))


def _old_owner(tmp_path: Path, sends: list[tuple[str, float, str | None]]) -> DeliveryLog:
    """The rows a killed replica left: each send claimed at its wall time, then settled."""
    at = [WALL]
    log = DeliveryLog(tmp_path / "notifier.db", owner="old-host:1", clock=lambda: at[0])
    for alert_id, when, state in sends:
        at[0] = when
        assert log.claim(alert_id, "desk", lease=300.0) is None
        if state is not None:
            log.mark(alert_id, "desk", state)
    return log


def test_sends_cut_mid_flight_count_against_the_limit_after_a_move(tmp_path: Path) -> None:
    # 3 a minute: one delivered, one still `attempting` when its sender was killed, one the
    # restart settled `uncertain`. Each may have reached the chat: the window is full.
    log = _old_owner(
        tmp_path,
        [("a1", WALL - 30, DELIVERED), ("a2", WALL - 20, None), ("a3", WALL - 10, UNCERTAIN)],
    )
    channel = _channel(3, 60.0)
    pacer = Pacer(clock=lambda: NOW)
    seed(pacer, log, [channel], wall=lambda: WALL)
    # The next send waits for the oldest (30 s ago) to leave the minute: 30 s from now.
    assert pacer.ready_at(list(channel.limits), NOW) == pytest.approx(NOW + 30.0)


def test_sends_older_than_the_window_and_other_channels_rows_do_not_count(tmp_path: Path) -> None:
    log = _old_owner(tmp_path, [("a1", WALL - 90, DELIVERED), ("a2", WALL - 5, FAILED)])
    assert log.recent_sends(WALL - 60) == {"desk": [WALL - 5]}
    channel = _channel(2, 60.0)
    pacer = Pacer(clock=lambda: NOW)
    seed(pacer, log, [channel], wall=lambda: WALL)
    assert pacer.ready_at(list(channel.limits), NOW) == NOW  # one of two used: room for one
    pacer.take(list(channel.limits), NOW)
    assert pacer.ready_at(list(channel.limits), NOW) == pytest.approx(NOW + 55.0)
