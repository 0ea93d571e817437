"""A long-running poller forgets expired ids as it goes, not only at start-up."""

from pathlib import Path

from services.core.sqlite import Periodic
from services.poller.state import EXPIRE_EVERY, StateStore
from tests.support.clock import FakeClock


def test_periodic_is_due_once_per_interval() -> None:
    clock = FakeClock(0.0)
    periodic = Periodic(60, clock)
    due = []
    for t in (0.0, 1.0, 59.9, 60.0, 61.0, 120.0):
        clock.now = t
        due.append(periodic.due())
    assert due == [True, False, False, True, False, True]


def test_marking_new_ids_sweeps_expired_ones_at_most_hourly(tmp_path: Path) -> None:
    clock = FakeClock()
    store = StateStore(tmp_path / "poller.db", clock=clock)
    store.mark_seen("feed", [("kept", None)], expires=clock.now + 10 * EXPIRE_EVERY)
    store.mark_seen("feed", [("old", "https://x/old")], expires=clock.now + 60)
    clock.advance(120)  # "old" has expired, but the first sweep ran before it did
    store.mark_seen("feed", [("soon", None)], expires=clock.now + 10 * EXPIRE_EVERY)
    assert set(store.seen(["old", "kept"])) == {"old", "kept"}  # within the hour: no sweep
    clock.advance(EXPIRE_EVERY)  # the store's clock: an hour later the sweep is due
    store.mark_seen("feed", [("new", None)], expires=clock.now + 10 * EXPIRE_EVERY)
    assert set(store.seen(["old", "kept", "soon", "new"])) == {"kept", "soon", "new"}
    assert store.links_seen(["https://x/old"]) == set()
    store.close()
