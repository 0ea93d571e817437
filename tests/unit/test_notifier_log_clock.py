"""The delivery log reads one clock for every time it stamps or compares: held alerts,
digests, dead letters and events age on it, so a test moves days without sleeping."""

from datetime import UTC, datetime
from pathlib import Path

from services.events.rules import load_rules
from services.notifier.deliverylog import DELIVERED, DeliveryLog
from services.notifier.eventlog import EVENT_RETENTION
from tests.support.clock import FakeClock
from tests.unit.test_notifier_render import alert


def test_held_alerts_and_digests_are_stamped_by_the_log_clock(tmp_path: Path) -> None:
    clock = FakeClock()
    log = DeliveryLog(tmp_path / "n.db", clock=clock)
    log.hold("desk", alert())
    held_at = clock.now
    clock.advance(1800)
    assert log.first_held_at("desk") == held_at
    assert [a.id for a in log.open_batch("desk", "b1", 10)] == ["a"]
    log.close_batch("desk", "b1", DELIVERED)
    assert log.last_digest("desk") == clock.now
    log.close()


def test_events_are_forgotten_by_the_log_clock(tmp_path: Path) -> None:
    clock = FakeClock()
    log = DeliveryLog(tmp_path / "n.db", clock=clock)
    now = datetime.fromtimestamp(clock.now, UTC)
    assert log.observe(alert().model_copy(update={"published": now}), load_rules()).fresh
    clock.advance(EVENT_RETENTION)
    log.prune_events(EVENT_RETENTION)
    assert [e["event_id"] for e in log.recent_events(0.0)] == ["a"]  # exactly at retention
    clock.advance(1)
    log.prune_events(EVENT_RETENTION)
    assert log.recent_events(0.0) == []
    log.close()
