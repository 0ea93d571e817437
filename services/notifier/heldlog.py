"""Alerts held back for a digest or until quiet hours end, in the delivery log's file.

Stored in `held` (so they survive restarts and their offsets can be committed once they are
here) and sent as batches: a batch assigned and never finished is offered again first, and
closing it logs every alert it carried as one delivery each.
"""

import sqlite3
from collections.abc import Callable

from schemas.alert import Alert
from services.core.sqlite import transaction


class HeldAlerts:
    """The `held` and `digests` tables; mixed into `DeliveryLog`, which owns the connection."""

    _conn: sqlite3.Connection
    _clock: Callable[[], float]  # epoch seconds; the log's clock

    def hold(self, channel: str, alert: Alert) -> None:
        """Store an alert for the channel's next digest (idempotent)."""
        self._conn.execute(
            "INSERT OR IGNORE INTO held (channel, alert_id, alert, held_at) VALUES (?, ?, ?, ?)",
            (channel, alert.id, alert.model_dump_json(), self._clock()),
        )

    def is_held(self, channel: str, alert_id: str) -> bool:
        """True when the alert waits in the channel's digest."""
        row = self._conn.execute(
            "SELECT 1 FROM held WHERE channel = ? AND alert_id = ?", (channel, alert_id)
        ).fetchone()
        return row is not None

    def held_channels(self) -> list[str]:
        """Channels with alerts waiting."""
        return [str(r[0]) for r in self._conn.execute("SELECT DISTINCT channel FROM held")]

    def open_batch(self, channel: str, batch: str, limit: int) -> list[Alert]:
        """Assign up to `limit` waiting alerts (oldest first) to `batch`; return the batch.

        A batch assigned in an earlier run and never finished is returned again first.
        """
        with transaction(self._conn):
            old = self._conn.execute(
                "SELECT batch FROM held WHERE channel = ? AND batch IS NOT NULL LIMIT 1",
                (channel,),
            ).fetchone()
            if old is None:
                self._conn.execute(
                    "UPDATE held SET batch = ? WHERE channel = ? AND alert_id IN ("
                    "SELECT alert_id FROM held WHERE channel = ? AND batch IS NULL "
                    "ORDER BY held_at, alert_id LIMIT ?)",
                    (batch, channel, channel, limit),
                )
            else:
                batch = str(old[0])
            rows = self._conn.execute(
                "SELECT alert FROM held WHERE channel = ? AND batch = ? ORDER BY held_at, alert_id",
                (channel, batch),
            ).fetchall()
        return [Alert.model_validate_json(r[0]) for r in rows]

    def batch_id(self, channel: str) -> str | None:
        """The batch currently open for `channel`, if any."""
        row = self._conn.execute(
            "SELECT batch FROM held WHERE channel = ? AND batch IS NOT NULL LIMIT 1", (channel,)
        ).fetchone()
        return None if row is None else str(row[0])

    def close_batch(self, channel: str, batch: str, state: str) -> None:
        """The digest was sent (or given up): log each alert and drop the batch."""
        now = self._clock()
        with transaction(self._conn):
            ids = [
                str(r[0])
                for r in self._conn.execute(
                    "SELECT alert_id FROM held WHERE channel = ? AND batch = ?", (channel, batch)
                )
            ]
            self._conn.executemany(
                "INSERT INTO deliveries (alert_id, channel, state, attempts, reason, updated_at) "
                "VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT (alert_id, channel) DO UPDATE SET "
                "state = excluded.state, reason = excluded.reason, "
                "updated_at = excluded.updated_at",
                [(i, channel, state, f"digest {batch}", now) for i in ids],
            )
            self._conn.execute("DELETE FROM held WHERE channel = ? AND batch = ?", (channel, batch))
            self._conn.execute(
                "INSERT INTO digests (channel, last_sent_at) VALUES (?, ?) "
                "ON CONFLICT (channel) DO UPDATE SET last_sent_at = excluded.last_sent_at",
                (channel, now),
            )

    def last_digest(self, channel: str) -> float | None:
        """When the channel's last digest went out (epoch seconds)."""
        row = self._conn.execute(
            "SELECT last_sent_at FROM digests WHERE channel = ?", (channel,)
        ).fetchone()
        return None if row is None else float(row[0])

    def first_held_at(self, channel: str) -> float | None:
        """When the oldest waiting alert of `channel` was stored."""
        row = self._conn.execute(
            "SELECT MIN(held_at) FROM held WHERE channel = ?", (channel,)
        ).fetchone()
        return None if row is None or row[0] is None else float(row[0])
