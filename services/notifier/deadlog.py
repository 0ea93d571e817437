"""Dead-lettered deliveries in the delivery log's file: the `dead` rows and their alerts.

A pair given up on is marked `dead` with its reason, and its alert is kept in `dead_alerts`
so `redflag deadletter replay` can send it again (services/notifier/deadletters.py).
"""

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from services.core.sqlite import transaction

DEAD = "dead"  # a delivery-log state: given up and dead-lettered (final until a replay)
REVIVED = "failed"  # a revived pair is `failed`: not final, sent by the next claim


@dataclass(frozen=True, slots=True)
class Dead:
    """A dead-lettered pair: why, when, and the alert (JSON) when it can be replayed."""

    alert_id: str
    channel: str
    reason: str
    at: float
    first_at: float
    alert: str | None


class DeadDeliveries:
    """Mixed into `DeliveryLog`, which owns the connection and `mark`."""

    _conn: sqlite3.Connection
    _clock: Callable[[], float]  # epoch seconds; the log's clock

    def mark(self, alert_id: str, channel: str, state: str, reason: str = "") -> None:
        """Provided by `DeliveryLog`."""
        raise NotImplementedError

    def state(self, alert_id: str, channel: str) -> str | None:
        """Provided by `DeliveryLog`."""
        raise NotImplementedError

    def revive(self, alert_id: str, channel: str) -> bool:
        """A replay request for one pair (`Delivery.replay`, read by the channel's sender):
        `dead` becomes `failed`, so the channel's worker sends it once more (its claim still
        decides). True when there is a send to make: also for a replay already under way
        (`failed`, `attempting`: a request read twice queues behind it and finds it
        settled); False for a pair never seen or settled (`delivered`, `uncertain`)."""
        state = self.state(alert_id, channel)
        if state == DEAD:
            self.mark(alert_id, channel, REVIVED, "replay requested")
        return state in (DEAD, REVIVED, "attempting")

    def bury(self, alert_id: str, channel: str, reason: str, alert: str | None) -> None:
        """Mark one pair `dead` with `reason`, keeping its alert (JSON) for a replay."""
        with transaction(self._conn):
            self.mark(alert_id, channel, DEAD, reason)
            if alert is not None:
                self._conn.execute(
                    "INSERT OR REPLACE INTO dead_alerts (alert_id, channel, alert, at) "
                    "VALUES (?, ?, ?, ?)",
                    (alert_id, channel, alert, self._clock()),
                )

    def was_dead(self, alert_id: str, channel: str) -> bool:
        """True when the pair was dead-lettered once (its alert is kept): a replay's pair."""
        row = self._conn.execute(
            "SELECT 1 FROM dead_alerts WHERE alert_id = ? AND channel = ?", (alert_id, channel)
        ).fetchone()
        return row is not None

    def dead(self, channel: str | None = None, since: float | None = None) -> list[Dead]:
        """Dead-lettered pairs, oldest first, optionally of one channel / since a time."""
        rows = self._conn.execute(
            "SELECT d.alert_id, d.channel, d.reason, d.updated_at, "
            "COALESCE(d.first_at, d.updated_at), a.alert FROM deliveries d "
            "LEFT JOIN dead_alerts a ON a.alert_id = d.alert_id AND a.channel = d.channel "
            "WHERE d.state = ? AND (? IS NULL OR d.channel = ?) AND d.updated_at >= ? "
            "ORDER BY d.updated_at",
            (DEAD, channel, channel, since or 0.0),
        ).fetchall()
        return [
            Dead(str(a), str(c), str(r), float(t), float(f), None if j is None else str(j))
            for a, c, r, t, f, j in rows
        ]
