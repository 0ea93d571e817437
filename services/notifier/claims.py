"""Which partition each unconfirmed send (`attempting` row) belongs to, kept in the cache.

A send cut by a crash leaves an `attempting` row in the local file. Settled at start-up,
before any partition is assigned, its new state would belong to no partition and never reach
the changelog: a replica restoring the partition elsewhere would still see `attempting` and
settle it again (issue #13). So the partition of every claim is kept beside it
(`changelog_claims`), written before the claim is published (`StateCapture.take`), and the
row is settled when its partition is assigned, after its restore, like a restored claim
(changelog.PartitionState), where what is decided is published to that partition.
"""

import json
import sqlite3
from collections.abc import Iterable

from services.core.sqlite import transaction

Pair = tuple[str, str]  # (alert id or digest key, channel)

_TABLE = """
CREATE TABLE IF NOT EXISTS changelog_claims (
    alert_id TEXT NOT NULL, channel TEXT NOT NULL, partitions TEXT NOT NULL,
    PRIMARY KEY (alert_id, channel)
) WITHOUT ROWID
"""


class Claims:
    """The partitions of `attempting` rows, noted as rows change, saved on `save`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        conn.execute(_TABLE)
        self._changed: dict[Pair, frozenset[int] | None] = {}
        #: Claimed by this process since it started: its own workers settle them.
        self.live: set[Pair] = set()

    def note(self, pair: Pair, state: str | None, partitions: Iterable[int], *, own: bool) -> None:
        """A deliveries row changed (`state` None: deleted); `own` when this process wrote it."""
        parts = frozenset(partitions)
        if state == "attempting" and parts:
            self._changed[pair] = parts
            if own:
                self.live.add(pair)
            else:
                self.live.discard(pair)
        else:
            self._changed[pair] = None
            self.live.discard(pair)

    def save(self) -> None:
        """Write what changed since the last save (before the claims reach the changelog)."""
        changed, self._changed = self._changed, {}
        if not changed:
            return
        with transaction(self._conn):
            for (alert_id, channel), parts in changed.items():
                if parts is None:
                    self._conn.execute(
                        "DELETE FROM changelog_claims WHERE alert_id = ? AND channel = ?",
                        (alert_id, channel),
                    )
                else:
                    self._conn.execute(
                        "INSERT OR REPLACE INTO changelog_claims VALUES (?, ?, ?)",
                        (alert_id, channel, json.dumps(sorted(parts))),
                    )

    def known(self) -> set[Pair]:
        """Every pair whose partition is known: settled at its partition's assignment."""
        rows = self._conn.execute("SELECT alert_id, channel FROM changelog_claims")
        return {(str(a), str(c)) for a, c in rows}

    def leftovers(self, partition: int) -> list[Pair]:
        """`attempting` rows of `partition` that no sender of this process is working on:
        sends an earlier life (or a replica sharing the file) began and never confirmed."""
        rows = self._conn.execute(
            "SELECT c.alert_id, c.channel, c.partitions FROM changelog_claims c "
            "JOIN deliveries d ON d.alert_id = c.alert_id AND d.channel = c.channel "
            "WHERE d.state = 'attempting'"
        ).fetchall()
        return [
            (str(a), str(c))
            for a, c, p in rows
            if partition in json.loads(p) and (str(a), str(c)) not in self.live
        ]
