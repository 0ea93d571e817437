"""Pacing windows and back-off: the arithmetic, without sleeping."""

import asyncio
import random

import pytest

from services.core.lifecycle import StopSignal
from services.notifier.pacing import Limit, Pacer, backoff

PER_SECOND = Limit("chat", 1, 1.0)
PER_MINUTE = Limit("group", 20, 60.0)


def test_one_per_second_spaces_sends_a_second_apart() -> None:
    pacer = Pacer()
    now = 1000.0
    stamps = []
    for _ in range(5):
        at = pacer.ready_at([(PER_SECOND, 1)], now)
        pacer.take([(PER_SECOND, 1)], at)
        stamps.append(at)
        now = at
    assert stamps == [1000.0, 1001.0, 1002.0, 1003.0, 1004.0]


def test_twenty_a_minute_allows_a_burst_then_waits_for_the_window() -> None:
    pacer = Pacer()
    for i in range(20):
        assert pacer.ready_at([(PER_MINUTE, 1)], 100.0 + i * 0.01) == 100.0 + i * 0.01
        pacer.take([(PER_MINUTE, 1)], 100.0 + i * 0.01)
    assert pacer.ready_at([(PER_MINUTE, 1)], 101.0) == pytest.approx(160.0)


def test_the_strictest_of_several_limits_wins() -> None:
    pacer = Pacer()
    bot = Limit("bot", 30, 1.0)
    pacer.take([(bot, 1), (PER_SECOND, 1)], 0.0)
    assert pacer.ready_at([(bot, 1), (PER_SECOND, 1)], 0.1) == pytest.approx(1.0)


def test_pause_holds_a_destination() -> None:
    pacer = Pacer(clock=lambda: 100.0)
    pacer.pause(["chat"], 5.0)
    assert pacer.paused_until("chat") == 105.0
    assert pacer.ready_at([(PER_SECOND, 1)], 100.0) == 105.0
    assert pacer.ready_at([(Limit("other", 1, 1.0), 1)], 100.0) == 100.0  # others go on


async def test_acquire_waits_then_takes() -> None:
    loop = asyncio.get_running_loop()
    pacer = Pacer(clock=loop.time)  # the loop's clock: the one its sleeps are measured on
    fast = Limit("fast", 1, 0.05)
    stop = StopSignal()
    t0 = loop.time()
    assert await pacer.acquire([(fast, 1)], stop)
    assert await pacer.acquire([(fast, 1)], stop)
    assert loop.time() - t0 >= 0.049


async def test_acquire_gives_up_when_stopping() -> None:
    pacer = Pacer()
    pacer.pause(["slow"], 30.0)
    stop = StopSignal()
    stop.stop.set()
    assert not await pacer.acquire([(Limit("slow", 1, 1.0), 1)], stop)


@pytest.mark.parametrize(
    ("attempt", "nominal"), [(1, 1.0), (2, 2.0), (3, 4.0), (6, 32.0), (7, 60.0), (12, 60.0)]
)
def test_backoff_doubles_is_capped_and_only_jitters_upwards(attempt: int, nominal: float) -> None:
    rng = random.Random(7)
    delays = [backoff(attempt, 1.0, 60.0, rng) for _ in range(200)]
    assert min(delays) >= nominal
    assert max(delays) < nominal * 1.25
    assert len(set(delays)) > 100  # jittered


FIVE_A_MINUTE = Limit("channel:tg", 5, 60.0)


@pytest.mark.parametrize(
    ("ages", "own", "ready_in"),
    [
        ([50.0, 40.0, 30.0, 20.0, 10.0], 0, 10.0),  # the oldest leaves the window in 10 s
        ([70.0, 40.0, 30.0, 20.0, 10.0], 0, 0.0),  # one is out of the window already
        ([5.0, 4.0], 3, 0.0),  # fewer than its own sends: its own window is kept
        ([30.0, 20.0, 10.0, 5.0, 1.0], 3, 30.0),  # more than its own: the seeds count
        ([-2.0], 0, 0.0),  # a wall clock ahead of ours: counted as just sent, one is free
    ],
)
def test_seeded_sends_count_by_their_wall_clock_age(
    ages: list[float], own: int, ready_in: float
) -> None:
    """Sends another replica made, `ages` seconds ago by the wall clock, fill the window
    on this pacer's own (monotonic) clock; seeding never adds to sends counted already."""
    mono, wall = 500.0, 1_700_000_000.0
    pacer = Pacer(clock=lambda: mono)
    for _ in range(own):
        pacer.take([(FIVE_A_MINUTE, 1)], mono)
    pacer.seed([(FIVE_A_MINUTE, 1)], [wall - age for age in ages], wall)
    pacer.seed([(FIVE_A_MINUTE, 1)], [wall - age for age in ages], wall)  # again: no change
    assert pacer.ready_at([(FIVE_A_MINUTE, 1)], mono) == pytest.approx(mono + ready_in)
