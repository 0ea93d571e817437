"""The delivery log: one row per (alert id, channel), written before the offset is committed.

States: `attempting` (written just before the chat API is called), `delivered` (written as
soon as the service accepts), `failed` (a try failed; retry), `dead` (given up and
dead-lettered), `uncertain` (found `attempting` at start-up: the process died between
calling the API and recording the outcome; see docs/notifier.md for the policy).

A channel whose URL names several targets (Slack channels, Telegram chats) records each
target that took a message in `accepted`, so a retry, even after a restart, sends only to the
rest.

Held alerts (digest mode, quiet hours) live in the same file; their methods are in
`heldlog.HeldAlerts`, which this class mixes in. So does event state (`eventlog.EventLog`):
and so do dead-lettered pairs (`deadlog.DeadDeliveries`): every table of this file is created
in `notifierdb.MIGRATIONS`.
"""

import os
import socket
import sqlite3
import time
from collections.abc import Callable, Container
from dataclasses import dataclass
from pathlib import Path

from services.core.sqlite import Periodic, connect, migrate, transaction
from services.notifier.deadlog import DEAD, DeadDeliveries
from services.notifier.eventlog import EVENT_RETENTION, EventLog
from services.notifier.heldlog import HeldAlerts
from services.notifier.notifierdb import MIGRATIONS

Pair = tuple[str, str]  # (alert id or digest key, channel)
ATTEMPTING, DELIVERED, FAILED, UNCERTAIN = ("attempting", "delivered", "failed", "uncertain")
PRUNE_EVERY = 3600.0  # seconds between retention sweeps while running
#: States after which an (alert, channel) pair is never sent again.
FINAL = frozenset({DELIVERED, DEAD, UNCERTAIN})


@dataclass(frozen=True, slots=True)
class Uncertain:
    """A send that began in an earlier run and was never confirmed."""

    alert_id: str
    channel: str
    since: float


def process_owner() -> str:
    """This process as a delivery-log owner: `host:pid` (replicas may share one log file)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DeliveryLog(HeldAlerts, EventLog, DeadDeliveries):
    """SQLite-backed; all calls are short and run on the caller's thread.

    Notifier replicas on one host may share the file (Compose `--scale` shares the state
    volume): a send is taken with `claim`, atomically, so a replica that is handed a
    partition mid-send never sends what another live replica is sending.
    """

    def __init__(
        self,
        path: Path | str,
        owner: str | None = None,
        retention: float | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.owner = owner or process_owner()
        self._clock = clock  # epoch seconds: every time this log writes or compares
        self._retention = retention  # with it, settled rows older than this go as we write
        self._pruning = Periodic(PRUNE_EVERY, clock)
        # WAL + NORMAL: a committed row survives a process crash (kill -9), which is the
        # failure this log exists for; FULL would add an fsync per send for power loss.
        self._conn = connect(path)
        migrate(self._conn, MIGRATIONS, name=str(path))

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The open file, for the changelog's triggers and restores (changelog.py)."""
        return self._conn

    def state(self, alert_id: str, channel: str) -> str | None:
        """The recorded state of one pair, or None if never seen."""
        row = self._conn.execute(
            "SELECT state FROM deliveries WHERE alert_id = ? AND channel = ?", (alert_id, channel)
        ).fetchone()
        return None if row is None else str(row[0])

    def attempts(self, alert_id: str, channel: str) -> int:
        """How many sends were tried for one pair."""
        row = self._conn.execute(
            "SELECT attempts FROM deliveries WHERE alert_id = ? AND channel = ?",
            (alert_id, channel),
        ).fetchone()
        return 0 if row is None else int(row[0])

    def mark(self, alert_id: str, channel: str, state: str, reason: str = "") -> None:
        """Record a state as this owner; `attempting` also counts an attempt."""
        bump = 1 if state == ATTEMPTING else 0
        self._conn.execute(
            "INSERT INTO deliveries "
            "(alert_id, channel, state, attempts, reason, updated_at, owner) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id, channel) DO UPDATE SET "
            "state = excluded.state, attempts = attempts + ?, reason = excluded.reason, "
            "updated_at = excluded.updated_at, owner = excluded.owner",
            (alert_id, channel, state, bump, reason, self._clock(), self.owner, bump),
        )

    def accept(self, alert_id: str, channel: str, target: str) -> None:
        """Record that one target of a multi-target channel took the message."""
        self._conn.execute(
            "INSERT OR IGNORE INTO accepted (alert_id, channel, target, at) VALUES (?, ?, ?, ?)",
            (alert_id, channel, target, self._clock()),
        )

    def accepted(self, alert_id: str, channel: str) -> set[str]:
        """The targets of one pair that already took the message, in any earlier try or run."""
        rows = self._conn.execute(
            "SELECT target FROM accepted WHERE alert_id = ? AND channel = ?", (alert_id, channel)
        )
        return {str(r[0]) for r in rows}

    def claim(self, alert_id: str, channel: str, lease: float) -> str | None:
        """Take the right to send one pair now; None when taken, else the state in the way.

        In the way: a final state (sent or settled before), or `attempting` by another live
        owner whose claim is younger than `lease` seconds (it is sending right now).
        """
        now = self._clock()
        if self._retention is not None and self._pruning.due():
            self.prune(self._retention)
        with transaction(self._conn):  # read-then-write: one writer at a time across replicas
            row = self._conn.execute(
                "SELECT state, owner, updated_at FROM deliveries "
                "WHERE alert_id = ? AND channel = ?",
                (alert_id, channel),
            ).fetchone()
            if row is not None:
                state, owner, updated = str(row[0]), str(row[1]), float(row[2])
                if state in FINAL:
                    return state
                if state == ATTEMPTING and owner != self.owner and now - updated < lease:
                    return ATTEMPTING
            self._conn.execute(
                "INSERT INTO deliveries "
                "(alert_id, channel, state, attempts, reason, updated_at, owner, first_at) "
                "VALUES (?, ?, ?, 1, '', ?, ?, ?) ON CONFLICT (alert_id, channel) DO UPDATE SET "
                "state = excluded.state, attempts = attempts + 1, reason = '', "
                "updated_at = excluded.updated_at, owner = excluded.owner, "
                "first_at = COALESCE(first_at, excluded.first_at)",
                (alert_id, channel, ATTEMPTING, now, self.owner, now),
            )
        return None

    def recent_sends(self, since: float) -> dict[str, list[float]]:
        """Per channel, when each request to its chat recorded after `since` (epoch seconds)
        was made: `delivered` and `failed` tries, and sends cut mid-flight (`attempting`, or
        settled `uncertain`), which may have reached the chat and so count against its limit."""
        rows = self._conn.execute(
            "SELECT channel, updated_at FROM deliveries "
            "WHERE state IN (?, ?, ?, ?) AND updated_at > ?",
            (DELIVERED, FAILED, ATTEMPTING, UNCERTAIN, since),
        )
        sent: dict[str, list[float]] = {}
        for channel, at in rows:
            sent.setdefault(str(channel), []).append(float(at))
        return sent

    def first_tried(self, alert_id: str, channel: str) -> float | None:
        """When the first send of one pair began (epoch seconds), or None before any."""
        row = self._conn.execute(
            "SELECT COALESCE(first_at, updated_at) FROM deliveries "
            "WHERE alert_id = ? AND channel = ?",
            (alert_id, channel),
        ).fetchone()
        return None if row is None else float(row[0])

    def reclaim(self, alert_id: str, channel: str) -> str | None:
        """Take a `dead` pair back to send it again (a replay); None when taken, else the
        state in the way (`delivered`: it was sent since, so never twice)."""
        with transaction(self._conn):
            row = self._conn.execute(
                "SELECT state FROM deliveries WHERE alert_id = ? AND channel = ?",
                (alert_id, channel),
            ).fetchone()
            if row is None or str(row[0]) != DEAD:
                return None if row is None else str(row[0])
            self._conn.execute(
                "UPDATE deliveries SET state = ?, attempts = attempts + 1, reason = '', "
                "updated_at = ?, owner = ? WHERE alert_id = ? AND channel = ?",
                (ATTEMPTING, self._clock(), self.owner, alert_id, channel),
            )
        return None

    def _orphaned(self, owner: str, updated: float, lease: float, now: float) -> bool:
        """An `attempting` row whose sender is gone: us in an earlier life, a dead process
        on this host, or anyone silent for longer than the lease."""
        if owner == self.owner or now - updated >= lease:
            return True
        host, _, pid = owner.rpartition(":")
        me_host = self.owner.rpartition(":")[0]
        return host == me_host and pid.isdigit() and not _pid_alive(int(pid))

    def take_uncertain(
        self, *, resend: bool = False, lease: float = 300.0, keep: Container[Pair] = ()
    ) -> list[Uncertain]:
        """Settle leftover `attempting` rows whose sender is gone (start-up) and return them.

        Policy `skip` (default) marks them `uncertain`, which is final: never sent twice.
        Policy `resend` marks them `failed`, so a redelivery sends them again. Rows another
        live replica is sending right now are left to it, and so are the pairs in `keep`.
        """
        orphans = [u for u in self.orphans(lease) if (u.alert_id, u.channel) not in keep]
        rows = [(u.alert_id, u.channel, u.since) for u in orphans]
        self._conn.executemany(
            "UPDATE deliveries SET state = ?, reason = ? "
            "WHERE alert_id = ? AND channel = ? AND state = ?",
            [
                (
                    FAILED if resend else UNCERTAIN,
                    "send began before a restart and was never confirmed",
                    a,
                    c,
                    ATTEMPTING,
                )
                for a, c, _ in rows
            ],
        )
        return [Uncertain(a, c, t) for a, c, t in rows]

    def orphans(self, lease: float = 300.0) -> list[Uncertain]:
        """Leftover `attempting` rows whose sender is gone, unsettled (`take_uncertain`
        settles them; slacklookup.py asks Slack about some first)."""
        now = self._clock()
        return [
            Uncertain(str(a), str(c), float(t))
            for a, c, t, o in self._conn.execute(
                "SELECT alert_id, channel, updated_at, owner FROM deliveries WHERE state = ?",
                (ATTEMPTING,),
            ).fetchall()
            if self._orphaned(str(o), float(t), lease, now)
        ]

    def settle(self, alert_id: str, channel: str, state: str, reason: str = "") -> bool:
        """Settle a leftover `attempting` row as `state`; False if it is no longer one."""
        cur = self._conn.execute(
            "UPDATE deliveries SET state = ?, reason = ?, updated_at = ?, owner = ? "
            "WHERE alert_id = ? AND channel = ? AND state = ?",
            (state, reason, self._clock(), self.owner, alert_id, channel, ATTEMPTING),
        )
        return cur.rowcount == 1

    def prune(self, older_than: float) -> int:
        """Forget settled rows not touched for `older_than` seconds; returns how many.

        Keep this longer than the alerts topic's retention: a pair forgotten while its record
        can still be redelivered would be sent again.
        """
        cutoff = self._clock() - older_than
        cur = self._conn.execute(
            "DELETE FROM deliveries WHERE state IN (?, ?, ?) AND updated_at < ?",
            (DELIVERED, DEAD, UNCERTAIN, cutoff),
        )
        self._conn.execute("DELETE FROM accepted WHERE at < ?", (cutoff,))
        self._conn.execute(
            "DELETE FROM dead_alerts WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE "
            "d.alert_id = dead_alerts.alert_id AND d.channel = dead_alerts.channel AND "
            "d.state = ?) AND at < ?",
            (DEAD, cutoff),
        )
        self.prune_events(max(older_than, EVENT_RETENTION))
        return cur.rowcount

    def counts(self) -> dict[str, int]:
        """Rows per state, for reports and tests."""
        rows = self._conn.execute("SELECT state, COUNT(*) FROM deliveries GROUP BY state")
        return {str(state): int(n) for state, n in rows}
