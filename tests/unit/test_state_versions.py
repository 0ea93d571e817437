"""State files upgrade in place: a file written by an earlier layout opens, migrates and keeps
its data; a file from a newer redflag is refused rather than corrupted."""

import sqlite3
from pathlib import Path

import pytest

from services.core.sqlite import StateVersionError, migrate
from services.poller.state import MIGRATIONS, StateStore

# poller.db as redflag wrote it before state versioning (user_version 0)
UNVERSIONED_POLLER_DB = """
CREATE TABLE feeds (
    key TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL, etag TEXT,
    last_modified TEXT, body_hash TEXT, ttl REAL, adaptive_interval REAL,
    error_count INTEGER NOT NULL DEFAULT 0, last_error TEXT, last_error_at REAL,
    last_bozo TEXT, last_polled REAL, last_success REAL, next_poll REAL NOT NULL DEFAULT 0,
    disabled TEXT, entries_seen INTEGER NOT NULL DEFAULT 0, hub TEXT, websub_expires REAL
);
CREATE TABLE seen (id TEXT PRIMARY KEY, feed TEXT NOT NULL, expires REAL NOT NULL) WITHOUT ROWID;
CREATE INDEX seen_expires ON seen (expires);
CREATE TABLE seen_links (link TEXT PRIMARY KEY, id TEXT NOT NULL, expires REAL NOT NULL)
    WITHOUT ROWID;
CREATE INDEX seen_links_expires ON seen_links (expires);
INSERT INTO feeds (key, name, url, etag, error_count, next_poll, entries_seen)
    VALUES ('https://a.example/feed', 'a', 'https://b.example/feed', '"v1"', 2, 123.0, 41);
INSERT INTO seen VALUES ('id-1', 'https://a.example/feed', 9e12);
INSERT INTO seen_links VALUES ('https://a.example/1', 'id-1', 9e12);
"""


def old_file(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.executescript(UNVERSIONED_POLLER_DB)
    return path


@pytest.mark.parametrize("readonly", [False, True])
def test_an_unversioned_poller_db_migrates_and_keeps_its_data(
    tmp_path: Path, readonly: bool
) -> None:
    path = old_file(tmp_path / "poller.db")
    store = StateStore(path, readonly=readonly)
    try:
        [state] = store.feeds().values()
        assert (state.name, state.url, state.etag) == ("a", "https://b.example/feed", '"v1"')
        assert (state.error_count, state.next_poll, state.entries_seen) == (2, 123.0, 41)
        assert state.entries_old == 0  # the field added since
        assert store.seen(["id-1", "id-2"]) == {"id-1": 9e12}
        assert store.links_seen(["https://a.example/1"]) == {"https://a.example/1"}
    finally:
        store.db.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_migrated_file_takes_the_new_field(tmp_path: Path) -> None:
    path = old_file(tmp_path / "poller.db")
    store = StateStore(path)
    [state] = store.feeds().values()
    state.entries_old = 7
    store.save_feed(state)
    store.close()
    assert StateStore(path).feeds()[state.key].entries_old == 7


def test_a_file_from_a_newer_redflag_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "poller.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StateVersionError, match="newer than this redflag knows"):
        StateStore(path)


def test_a_failing_migration_leaves_the_file_at_its_version() -> None:
    db = sqlite3.connect(":memory:", isolation_level=None)
    migrate(db, ["CREATE TABLE t (x INTEGER);"], name="t")
    with pytest.raises(sqlite3.OperationalError):
        migrate(db, ["CREATE TABLE t (x INTEGER);", "INSERT INTO t VALUES (1); BOGUS;"], name="t")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0  # rolled back whole
