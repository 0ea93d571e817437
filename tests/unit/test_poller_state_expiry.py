"""A long-running poller forgets expired ids as it goes, not only at start-up."""

from pathlib import Path

import pytest

from services.core.sqlite import Periodic
from services.poller.state import StateStore


def test_periodic_is_due_once_per_interval() -> None:
    clock = Periodic(60)
    assert [clock.due(t) for t in (0.0, 1.0, 59.9, 60.0, 61.0, 120.0)] == [
        True, False, False, True, False, True,
    ]  # fmt: skip


def test_marking_new_ids_sweeps_expired_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = StateStore(tmp_path / "poller.db")
    store.mark_seen("feed", [("old", "https://x/old")], expires=1.0)  # long expired
    store.mark_seen("feed", [("kept", None)], expires=4e9)
    assert set(store.seen(["old", "kept"])) == {"old", "kept"}  # within the hour: no sweep
    monkeypatch.setattr(store, "_expiry", Periodic(3600))  # a fresh clock: the sweep is due
    store.mark_seen("feed", [("new", None)], expires=4e9)
    assert set(store.seen(["old", "kept", "new"])) == {"kept", "new"}
    assert store.links_seen(["https://x/old"]) == set()
    store.close()
