"""SQLite as every redflag store opens it, and the housekeeping clock they share.

WAL mode: readers never block the writer, and a committed transaction survives a process
crash (kill -9) with `synchronous=NORMAL`; only power loss could take the last ones. A busy
timeout lets replicas on one host share a file (Compose `--scale` shares the volume).
"""

import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path


class StateVersionError(Exception):
    """A state file written by a newer redflag: opening it could corrupt it."""


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
    conn.execute("PRAGMA busy_timeout=5000")
    _wal(conn)
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _wal(conn: sqlite3.Connection, wait: float = 5.0) -> None:
    """Switch to WAL. Several processes opening one new file at once race for the switch,
    and SQLite answers the losers 'database is locked' at once, without its busy handler:
    so try again, within the same 5 s the busy timeout allows."""
    deadline = time.monotonic() + wait
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
        else:
            return


def migrate(conn: sqlite3.Connection, migrations: Sequence[str], *, name: str) -> int:
    """Bring a file up to date: apply `migrations[user_version:]` in order, each in one
    transaction with its new `PRAGMA user_version`; returns the version now.

    Migration 1 is the first versioned layout written with `IF NOT EXISTS`, so a file from
    before versioning (user_version 0) adopts it without losing a row. Append, never edit:
    a released migration is what files in the field are made of.
    """
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > len(migrations):
        raise StateVersionError(
            f"{name} is at state version {current}, newer than this redflag knows "
            f"({len(migrations)}): run the redflag version that wrote it, or move the file away"
        )
    for version, script in enumerate(migrations[current:], start=current + 1):
        with transaction(conn):
            # read again under the write lock: another process opening the same new file
            # (replicas sharing a state dir, a CLI beside the notifier) may have applied it
            if int(conn.execute("PRAGMA user_version").fetchone()[0]) >= version:
                continue
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
    return len(migrations)


class transaction:  # noqa: N801 - used like `contextlib` helpers: `with transaction(conn):`
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception: one write lock, taken early,
    so two replicas sharing a file never both read-then-write (the deferred default would)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        if self.conn.in_transaction:  # Python's implicit transaction (autocommit=False)
            self.conn.commit()
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")


def _statements(script: str) -> list[str]:
    """`script` split into statements (executescript would commit our transaction)."""
    out, buf = [], ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):  # a ';' inside a string or comment is not an end
            out.append(buf.strip())
            buf = ""
    return out  # what is left in `buf` has no statement, only comments and space


class Periodic:
    """True at most once per `every` seconds: retention work rides on normal writes.

    `clock` gives the time in seconds (monotonic by default); a store passes its own clock,
    so a test that moves the store's time moves its housekeeping too.
    """

    def __init__(self, every: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._every = every
        self._clock = clock
        self._next: float | None = None  # the first call is due: a store tidies up at once

    def due(self) -> bool:
        """Whether the work is due now; if so, the next time is `every` seconds away."""
        now = self._clock()
        if self._next is not None and now < self._next:
            return False
        self._next = now + self._every
        return True
