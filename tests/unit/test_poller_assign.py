"""Slots of feeds and the scheduler's hand-over when slots move between replicas."""

import asyncio
from collections import Counter

import pytest

from services.core.lifecycle import StopSignal
from services.poller.assign import SlotAssignment, refresh, slot_of
from services.poller.config import PollerSettings
from services.poller.scheduler import Scheduler
from services.poller.state import FeedState

LATER = 1e12  # a next poll that never comes in a test
URLS = [f"https://news{n % 7}.example.com/feed/{n}.xml" for n in range(400)]


@pytest.mark.parametrize(
    ("url", "slots", "slot"),
    [  # sha1, never hash(): these hold in every process, whatever PYTHONHASHSEED
        ("https://news.example.com/rss", 64, 40),
        ("https://news.example.com/rss", 1, 0),
    ],
)
def test_slot_is_fixed_by_the_url(url: str, slots: int, slot: int) -> None:
    assert slot_of(url, slots) == slot


def test_slots_spread_the_feeds() -> None:
    counts = Counter(slot_of(url, 16) for url in URLS)
    assert len(counts) == 16
    assert max(counts.values()) < 3 * len(URLS) / 16


def _states(keys: list[str]) -> dict[str, FeedState]:
    return {key: FeedState(key=key, name=key, url=key) for key in keys}


async def _run_until_idle(scheduler: Scheduler, timeout: float = 5.0) -> None:
    """Run until every feed it schedules was polled (its next poll pushed to `LATER`) and
    no poll is in flight; a feed it should not have would be polled before this holds."""
    stop = StopSignal()
    task = asyncio.create_task(scheduler.run(stop, grace=1.0))
    deadline = asyncio.get_running_loop().time() + timeout
    while scheduler.active or any(scheduler.states[k].next_poll < LATER for k in scheduler.live):
        assert asyncio.get_running_loop().time() < deadline, "the scheduler never went idle"
        await asyncio.sleep(0.01)
    stop.stop.set()
    await task


async def test_revoked_feeds_are_not_polled_and_assigned_ones_are() -> None:
    keys = URLS[:40]
    states = _states(keys)
    polled: Counter[str] = Counter()

    async def poll(key: str) -> None:
        polled[key] += 1
        states[key].next_poll = LATER  # once is enough to see it

    scheduler = Scheduler(states, poll, concurrency=10, per_host=10)
    assignment = SlotAssignment(keys, 4, scheduler, lambda keys: None)
    assignment.assigned({0, 1})
    assignment.revoked({0, 1})  # a rebalance: everything goes before anything comes
    assignment.assigned({1, 2})
    await _run_until_idle(scheduler)
    expected = {key for key in keys if slot_of(key, 4) in (1, 2)}
    assert set(polled) == expected
    assert set(polled.values()) == {1}  # revoked and assigned again: still polled once


async def test_a_poll_in_flight_is_not_doubled_by_a_rebalance() -> None:
    states = _states(["a"])
    started = asyncio.Event()
    release = asyncio.Event()
    concurrent = 0
    most = 0

    async def poll(key: str) -> None:
        nonlocal concurrent, most
        concurrent += 1
        most = max(most, concurrent)
        started.set()
        await release.wait()
        concurrent -= 1
        states[key].next_poll = LATER

    scheduler = Scheduler(states, poll, concurrency=10, per_host=10)
    scheduler.add("a", 0.0)
    stop = StopSignal()
    task = asyncio.create_task(scheduler.run(stop, grace=1.0))
    await started.wait()
    scheduler.remove("a")
    scheduler.add("a", 0.0)  # owned again while its poll is in flight
    await asyncio.sleep(0.05)
    release.set()
    while "a" in scheduler.running:  # the poll ends and queues the feed again
        await asyncio.sleep(0.01)
    stop.stop.set()
    await task
    assert most == 1
    assert scheduler.live.keys() == {"a"}  # queued again for its next poll


def test_refresh_reads_stored_rows_but_keeps_our_websub_lease() -> None:
    states = _states(["a", "b"])
    states["a"].websub_expires = 123.0
    stored = _states(["a"])
    stored["a"].etag = '"from-another-replica"'
    refresh(states, stored, ["a", "b"])
    assert states["a"].etag == '"from-another-replica"'
    assert states["a"].websub_expires == 123.0
    assert states["b"].etag is None


def test_kafka_assignment_refuses_a_static_replica_count() -> None:
    with pytest.raises(ValueError, match="replica_count applies to static assignment only"):
        PollerSettings(assignment="kafka", replica_count=2)
    assert PollerSettings(assignment="kafka").slots == 64
