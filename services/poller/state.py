"""The poller's memory in SQLite (settings.state_dir / "poller.db"); survives restarts.

One row per feed (validators, schedule, health), the article ids already published with an
expiry, and the canonical links already published so one story in two feeds goes out once.
All calls are short and synchronous: WAL mode, and one commit per poll.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.core.sqlite import Periodic, connect, migrate

# Versioned layout (PRAGMA user_version): append a migration, never edit a released one.
# Version 1 is the layout from before versioning, so such a file adopts it as it is.
_V1 = """
CREATE TABLE IF NOT EXISTS feeds (
    key TEXT PRIMARY KEY,          -- the configured URL
    name TEXT NOT NULL,
    url TEXT NOT NULL,             -- where to fetch now (moved by permanent redirects)
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT,
    ttl REAL,                      -- the feed's own hint: <ttl>, sy:updatePeriod
    adaptive_interval REAL,
    error_count INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_error_at REAL,
    last_bozo TEXT,
    last_polled REAL,
    last_success REAL,
    next_poll REAL NOT NULL DEFAULT 0,
    disabled TEXT,                 -- why the poller stopped (410 Gone); NULL when active
    entries_seen INTEGER NOT NULL DEFAULT 0,
    hub TEXT,
    websub_expires REAL
);
CREATE TABLE IF NOT EXISTS seen (
    id TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    expires REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_expires ON seen (expires);
CREATE TABLE IF NOT EXISTS seen_links (
    link TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    expires REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_links_expires ON seen_links (expires);
"""
MIGRATIONS = (
    _V1,
    # 2: entries older than poller.max_age, remembered but not published (`redflag feeds`)
    "ALTER TABLE feeds ADD COLUMN entries_old INTEGER NOT NULL DEFAULT 0;",
    # 3: WebSub subscriptions, each with its own random callback and secret (subscriptions.py)
    """CREATE TABLE IF NOT EXISTS websub (
    key TEXT PRIMARY KEY,          -- the feed's configured URL
    hub TEXT NOT NULL,
    topic TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,    -- the callback path segment: random, unguessable
    secret TEXT NOT NULL,          -- hub.secret for X-Hub-Signature: random, per subscription
    pending TEXT,                  -- 'subscribe' / 'unsubscribe' awaiting the hub's GET
    requested REAL NOT NULL,       -- when that request went out
    lease REAL,                    -- seconds the hub granted
    expires REAL                   -- when the verified lease ends
);
""",
    # 4: permanent redirects seen but not yet followed for good (redirects.py)
    """CREATE TABLE IF NOT EXISTS redirects (
    key TEXT PRIMARY KEY,          -- the feed's configured URL
    target TEXT NOT NULL,          -- where its permanent redirects lead
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL,
    polls INTEGER NOT NULL
);
""",
    # 5: a digest of each published article's text, so an edit under the same guid shows
    """CREATE TABLE IF NOT EXISTS seen_digests (
    id TEXT PRIMARY KEY,           -- a published article id
    digest TEXT NOT NULL,          -- of its raw text when last published: edits show here
    expires REAL NOT NULL
) WITHOUT ROWID;
""",
)
_CHUNK = 500  # below SQLite's default limit on host parameters
EXPIRE_EVERY = 3600.0  # seconds between expiry sweeps while running


@dataclass(slots=True)
class FeedState:
    """A feed's row; the poller mutates it and hands it back to `save_feed`."""

    key: str
    name: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    ttl: float | None = None
    adaptive_interval: float | None = None
    error_count: int = 0
    last_error: str | None = None
    last_error_at: float | None = None
    last_bozo: str | None = None
    last_polled: float | None = None
    last_success: float | None = None
    next_poll: float = 0.0
    disabled: str | None = None
    entries_seen: int = 0
    hub: str | None = None
    websub_expires: float | None = None
    entries_old: int = 0  # skipped as older than poller.max_age


_COLUMNS = tuple(FeedState.__dataclass_fields__)
_UPSERT = "INSERT OR REPLACE INTO feeds ({}) VALUES ({})".format(  # noqa: S608  (our columns)
    ", ".join(_COLUMNS), ", ".join("?" for _ in _COLUMNS)
)


def _outdated(path: Path | str) -> bool:
    db = connect(path, readonly=True)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0]) < len(MIGRATIONS)
    finally:
        db.close()


class StateStore:
    """Feeds, seen ids and seen links, in one SQLite file.

    `clock` is epoch seconds (`time.time` by default), read for expiry and its hourly sweep;
    tests pass their own.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        readonly: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if readonly and _outdated(path):  # `redflag feeds` before the poller's first start
            StateStore(path).close()  # after an upgrade: bring the file up to date first
        self.db = connect(path, autocommit=False, readonly=readonly)
        self._clock = clock
        self._expiry = Periodic(EXPIRE_EVERY, clock)
        if not readonly:
            migrate(self.db, MIGRATIONS, name=str(path))

    def close(self) -> None:
        """Commit what is pending and close."""
        self.db.commit()
        self.db.close()

    def feeds(self) -> dict[str, FeedState]:
        """Every feed row, by key."""
        query = f"SELECT {', '.join(_COLUMNS)} FROM feeds"  # noqa: S608  (our column names)
        rows = self.db.execute(query).fetchall()
        return {row[0]: FeedState(*row) for row in rows}

    def save_feed(self, feed: FeedState) -> None:
        """Write a feed's row (not committed: `commit` ends the poll)."""
        self.db.execute(_UPSERT, tuple(getattr(feed, c) for c in _COLUMNS))

    def commit(self) -> None:
        """Make the poll's writes durable."""
        self.db.commit()

    def _select_in(self, query: str, values: list[str]) -> list[tuple[Any, ...]]:
        """Rows of `query` ('... IN ({})') for `values`, in chunks SQLite accepts."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), _CHUNK):
            chunk = values[start : start + _CHUNK]
            rows += self.db.execute(query.format(",".join("?" * len(chunk))), chunk).fetchall()
        return rows

    def seen(self, ids: list[str]) -> dict[str, float]:
        """The ids among `ids` already published, with their expiry."""
        return dict(self._select_in("SELECT id, expires FROM seen WHERE id IN ({})", ids))

    def links_seen(self, links: list[str]) -> set[str]:
        """The canonical links among `links` already published."""
        rows = self._select_in("SELECT link FROM seen_links WHERE link IN ({})", links)
        return {row[0] for row in rows}

    def mark_seen(self, feed: str, items: Iterable[tuple[str, str | None]], expires: float) -> None:
        """Remember (id, link) pairs as published until `expires` (and, at most hourly,
        forget those past theirs, so a poller that runs for months stays bounded)."""
        if self._expiry.due():
            self._delete_expired(self._clock())
        pairs = list(items)
        self.db.executemany(
            "INSERT OR REPLACE INTO seen (id, feed, expires) VALUES (?, ?, ?)",
            [(item_id, feed, expires) for item_id, _ in pairs],
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO seen_links (link, id, expires) VALUES (?, ?, ?)",
            [(link, item_id, expires) for item_id, link in pairs if link],
        )

    def digests(self, ids: list[str]) -> dict[str, str]:
        """The text digest each of `ids` was last published with (where one was recorded)."""
        return dict(self._select_in("SELECT id, digest FROM seen_digests WHERE id IN ({})", ids))

    def mark_digests(self, items: Iterable[tuple[str, str]], expires: float) -> None:
        """Remember (id, digest) pairs: the text an article id was last published with."""
        self.db.executemany(
            "INSERT OR REPLACE INTO seen_digests (id, digest, expires) VALUES (?, ?, ?)",
            [(item_id, digest, expires) for item_id, digest in items if digest],
        )

    def expire(self, now: float) -> int:
        """Forget ids and links past their expiry now; returns how many ids went."""
        count = self._delete_expired(now)
        self.db.commit()
        return count

    def _delete_expired(self, now: float) -> int:
        count = self.db.execute("DELETE FROM seen WHERE expires < ?", (now,)).rowcount
        self.db.execute("DELETE FROM seen_links WHERE expires < ?", (now,))
        self.db.execute("DELETE FROM seen_digests WHERE expires < ?", (now,))
        return int(count)
