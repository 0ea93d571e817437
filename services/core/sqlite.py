"""SQLite as every redflag store opens it, and the housekeeping clock they share.

WAL mode: readers never block the writer, and a committed transaction survives a process
crash (kill -9) with `synchronous=NORMAL`; only power loss could take the last ones. A busy
timeout lets replicas on one host share a file (Compose `--scale` shares the volume).
"""

import sqlite3
import time
from pathlib import Path


def connect(
    path: Path | str, *, autocommit: bool = True, readonly: bool = False
) -> sqlite3.Connection:
    """Open `path` (or ':memory:'); `autocommit=False` keeps Python's implicit transactions."""
    if readonly:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), isolation_level=None if autocommit else "DEFERRED", check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


class Periodic:
    """True at most once per `every` seconds: retention work rides on normal writes."""

    def __init__(self, every: float) -> None:
        self._every = every
        self._next = 0.0  # the first call is due: a store tidies up when it is first written

    def due(self, now: float | None = None) -> bool:
        """Whether the work is due now; if so, the next time is `every` seconds away."""
        now = time.monotonic() if now is None else now
        if now < self._next:
            return False
        self._next = now + self._every
        return True
