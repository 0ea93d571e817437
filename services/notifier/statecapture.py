"""Which state rows the notifier wrote, per alerts partition: captured for the changelog.

Temporary (per-connection) SQLite triggers on every state table of `notifier.db` call a
Python function with the changed row, so the delivery log's code stays as it is: a row written
while the notifier works for alerts partition p (`PARTITIONS`, set around each record and each
delivery job) is queued for changelog partition p; `changelog.PartitionState` publishes the
queue and awaits the broker before the step that depends on it. A restore writes rows `muted`,
so nothing read from the changelog is written back to it. The embedded runner never installs
the triggers: its state stays in the file alone.

Held alerts (digests) are written by the digest timer, outside any record, so the partition of
each held alert is remembered (`homes`, kept in the file too) from when it was held; so is
the partition of each unconfirmed send (`claims`, claims.py), for its settling after a crash.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from services.core.bus import Change
from services.core.sqlite import transaction
from services.notifier.claims import Claims

#: The alerts partitions the current code works for: a record's, or a digest's alerts'.
PARTITIONS: ContextVar[frozenset[int]] = ContextVar("notifier_partitions", default=frozenset())

#: Every state table of notifier.db and its primary key (notifierdb.MIGRATIONS).
TABLES: dict[str, tuple[str, ...]] = {
    "deliveries": ("alert_id", "channel"),
    "accepted": ("alert_id", "channel", "target"),
    "held": ("channel", "alert_id"),
    "digests": ("channel",),
    "events": ("event_id",),
    "event_reports": ("alert_id",),
    "event_messages": ("alert_id", "channel", "target"),
    "event_channels": ("event_id", "channel"),
    "dead_alerts": ("alert_id", "channel"),
}

# Bookkeeping of the cache itself (not state: lost with the file, rebuilt from the changelog).
_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS changelog_checkpoints (
    partition INTEGER PRIMARY KEY, next_offset INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS changelog_homes (
    alert_id TEXT PRIMARY KEY, partitions TEXT NOT NULL
) WITHOUT ROWID;
"""


def encode_key(table: str, key: Iterable[Any]) -> bytes:
    """The changelog key of one row: its table and primary key, as JSON."""
    return json.dumps([table, *key], ensure_ascii=False, separators=(",", ":")).encode()


@contextmanager
def working_for(partitions: Iterable[int]) -> Iterator[None]:
    """Rows written inside belong to these alerts partitions."""
    token = PARTITIONS.set(frozenset(partitions))
    try:
        yield
    finally:
        PARTITIONS.reset(token)


class StateCapture:
    """The triggers and what they collected, per changelog partition, in write order."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.pending: dict[int, list[Change]] = {}
        self.muted = False
        with transaction(conn):
            for statement in _BOOKKEEPING.strip().split(";\n"):
                conn.execute(statement)
        self.homes: dict[str, frozenset[int]] = {
            str(a): frozenset(json.loads(p))
            for a, p in conn.execute("SELECT alert_id, partitions FROM changelog_homes")
        }
        self._homes_changed: set[str] = set()
        self.claims = Claims(conn)
        conn.create_function("redflag_changed", 4, self._changed)
        for table, key in TABLES.items():
            for statement in _triggers(conn, table, key):
                conn.execute(statement)

    def _changed(self, table: str, key: str, row: str | None, alert_id: str | None) -> None:
        if self.muted:
            return
        parts = PARTITIONS.get()
        if alert_id is not None and alert_id in self.homes:
            parts = self.homes[alert_id]  # a held alert: the partition it was held from
        if table == "held" and alert_id is not None:
            if row is None:
                self.homes.pop(alert_id, None)
            elif parts:
                self.homes[alert_id] = parts
            self._homes_changed.add(alert_id)
        pk = json.loads(key)
        if table == "deliveries":
            state = None if row is None else json.loads(row).get("state")
            self.claims.note((str(pk[0]), str(pk[1])), state, parts, own=True)
        change = Change(encode_key(table, pk), None if row is None else row.encode("utf-8"))
        for p in parts:  # none: local housekeeping (pruning), the changelog has its own
            self.pending.setdefault(p, []).append(change)

    def take(self) -> dict[int, list[Change]]:
        """What was collected since the last take: per partition, the last change of each
        row (compaction keeps no more; an insert then an update is one record). The claims'
        partitions are saved first: a crash once a claim is published still finds them."""
        self.claims.save()
        out, self.pending = self.pending, {}
        return {p: list({c.key: c for c in changes}.values()) for p, changes in out.items()}

    def save_homes(self) -> None:
        """Keep the held alerts' partitions in the file (for a restart with this cache)."""
        changed, self._homes_changed = self._homes_changed, set()
        with transaction(self._conn):
            for alert_id in changed:
                parts = self.homes.get(alert_id)
                if parts is None:
                    self._conn.execute(
                        "DELETE FROM changelog_homes WHERE alert_id = ?", (alert_id,)
                    )
                else:
                    self._conn.execute(
                        "INSERT OR REPLACE INTO changelog_homes VALUES (?, ?)",
                        (alert_id, json.dumps(sorted(parts))),
                    )

    def checkpoint(self, partition: int) -> int | None:
        """The changelog offset this cache holds partition `partition` up to, if any."""
        row = self._conn.execute(
            "SELECT next_offset FROM changelog_checkpoints WHERE partition = ?", (partition,)
        ).fetchone()
        return None if row is None else int(row[0])

    def set_checkpoint(self, partition: int, next_offset: int | None) -> None:
        """Record (None: forget) how far the cache holds `partition`."""
        if next_offset is None:
            self._conn.execute(
                "DELETE FROM changelog_checkpoints WHERE partition = ?", (partition,)
            )
        else:
            self._conn.execute(
                "INSERT OR REPLACE INTO changelog_checkpoints VALUES (?, ?)",
                (partition, next_offset),
            )

    def apply(self, partition: int, changes: Iterable[Change]) -> list[tuple[str, str]]:
        """Write restored rows (not captured again); returns the (alert, channel) pairs that
        arrived as `attempting`, for the caller to settle."""
        states: dict[tuple[str, str], str | None] = {}  # the last state of each pair
        self.muted = True
        try:
            with transaction(self._conn):
                for change in changes:
                    table, *key = json.loads(change.key)
                    if table not in TABLES:
                        continue  # a table of a newer redflag: not ours to know
                    pk = TABLES[table]
                    row = None if change.value is None else json.loads(change.value)
                    self._write(table, pk, key, row)
                    if table == "held":
                        self._home(str(key[1]), partition, row is not None)
                    if table == "deliveries":
                        pair = (str(key[0]), str(key[1]))
                        states[pair] = row and row.get("state")
                        self.claims.note(pair, states[pair], {partition}, own=False)
        finally:
            self.muted = False
        self.save_homes()
        self.claims.save()
        return [pair for pair, state in states.items() if state == "attempting"]

    def _write(self, table: str, pk: tuple[str, ...], key: list[Any], row: Any) -> None:
        if row is None:
            where = " AND ".join(f"{c} = ?" for c in pk)
            self._conn.execute(f"DELETE FROM {table} WHERE {where}", key)  # noqa: S608
            return
        known = _columns(self._conn, table)
        cols = [c for c in row if c in known]
        marks = ", ".join("?" for _ in cols)
        self._conn.execute(
            f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}) VALUES ({marks})",  # noqa: S608
            [row[c] for c in cols],
        )

    def _home(self, alert_id: str, partition: int, present: bool) -> None:
        if present:
            self.homes[alert_id] = frozenset({partition})
        else:
            self.homes.pop(alert_id, None)
        self._homes_changed.add(alert_id)

    def partitions_held(self) -> set[int]:
        """The partitions alerts held here came from."""
        return set().union(*self.homes.values()) if self.homes else set()

    def drop_held(self, partitions: set[int]) -> int:
        """Forget (here only) the alerts held for `partitions`: their new owner sends them."""
        gone = [a for a, p in self.homes.items() if p & partitions]
        if not gone:
            return 0
        self.muted = True
        try:
            with transaction(self._conn):
                self._conn.executemany("DELETE FROM held WHERE alert_id = ?", [(a,) for a in gone])
        finally:
            self.muted = False
        for alert_id in gone:
            self.homes.pop(alert_id, None)
            self._homes_changed.add(alert_id)
        self.save_homes()
        return len(gone)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]


def _triggers(conn: sqlite3.Connection, table: str, key: tuple[str, ...]) -> list[str]:
    """AFTER INSERT / UPDATE / DELETE on `table`, each passing the row to redflag_changed."""
    cols = _columns(conn, table)
    alert = "alert_id" if "alert_id" in cols else "NULL"
    out = []
    for event, ref in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        keys = ", ".join(f"{ref}.{c}" for c in key)
        row = (
            "NULL"
            if ref == "OLD"
            else "json_object(" + ", ".join(f"'{c}', NEW.{c}" for c in cols) + ")"
        )
        who = f"{ref}.{alert}" if alert != "NULL" else "NULL"
        out.append(
            f"CREATE TEMP TRIGGER IF NOT EXISTS changelog_{table}_{event.lower()} "
            f"AFTER {event} ON main.{table} BEGIN "
            f"SELECT redflag_changed('{table}', json_array({keys}), {row}, {who}); END"
        )
    return out
