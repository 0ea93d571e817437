"""State files upgrade in place: a file written by an earlier layout opens, migrates and keeps
its data; a file from a newer redflag is refused rather than corrupted."""

import sqlite3
import threading
from pathlib import Path

import pytest

from services.core.sqlite import StateVersionError, migrate
from services.core.sqlitebus import SqliteBus
from services.notifier.deliverylog import DeliveryLog
from services.notifier.notifierdb import MIGRATIONS as NOTIFIER_MIGRATIONS
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


# notifier.db and bus.db as redflag wrote them before state versioning (user_version 0)
UNVERSIONED_NOTIFIER_DB = """
CREATE TABLE deliveries (
    alert_id TEXT NOT NULL, channel TEXT NOT NULL, state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '',
    updated_at REAL NOT NULL, owner TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (alert_id, channel)
) WITHOUT ROWID;
CREATE TABLE held (
    channel TEXT NOT NULL, alert_id TEXT NOT NULL, alert TEXT NOT NULL,
    held_at REAL NOT NULL, batch TEXT, PRIMARY KEY (channel, alert_id)
) WITHOUT ROWID;
CREATE TABLE accepted (
    alert_id TEXT NOT NULL, channel TEXT NOT NULL, target TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (alert_id, channel, target)
) WITHOUT ROWID;
CREATE TABLE digests (channel TEXT PRIMARY KEY, last_sent_at REAL NOT NULL) WITHOUT ROWID;
INSERT INTO deliveries (alert_id, channel, state, updated_at)
    VALUES ('a1', 'desk', 'delivered', 1e9);
"""
UNVERSIONED_BUS_DB = """
CREATE TABLE log (
    topic TEXT NOT NULL, offset INTEGER NOT NULL, key TEXT, value BLOB NOT NULL,
    PRIMARY KEY (topic, offset)
) WITHOUT ROWID;
CREATE TABLE heads (topic TEXT PRIMARY KEY, next_offset INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE group_offsets (
    grp TEXT NOT NULL, topic TEXT NOT NULL, next_offset INTEGER NOT NULL,
    PRIMARY KEY (grp, topic)
) WITHOUT ROWID;
INSERT INTO log VALUES ('t', 0, 'k0', X'6f6e65');
INSERT INTO log VALUES ('t', 1, 'k1', X'74776f');
INSERT INTO heads VALUES ('t', 2);
INSERT INTO group_offsets VALUES ('g', 't', 1);
"""


def test_an_unversioned_delivery_log_migrates_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "notifier.db"
    with sqlite3.connect(path) as db:
        db.executescript(UNVERSIONED_NOTIFIER_DB)
    log = DeliveryLog(path)
    try:
        assert log.state("a1", "desk") == "delivered"  # a delivered alert is never resent
        assert log.recent_events(0.0) == []  # the event tables came with the migration
    finally:
        log.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(NOTIFIER_MIGRATIONS)


async def test_an_unversioned_embedded_bus_migrates_and_keeps_its_log(tmp_path: Path) -> None:
    path = tmp_path / "bus.db"
    with sqlite3.connect(path) as db:
        db.executescript(UNVERSIONED_BUS_DB)
    async with SqliteBus(path) as bus:
        consumer = await bus.consumer(["t"], "g")
        [record] = await consumer.poll(timeout=0.1)  # resumes after its committed offset
        assert (record.offset, record.key, record.value) == (1, "k1", b"two")
        await bus.send("t", "k2", b"three")
        assert [r.offset for r in await consumer.poll(timeout=0.1)] == [2]
        await consumer.close()


def test_processes_opening_one_new_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    """Replicas sharing a state dir (or a CLI beside the notifier) open a new file together:
    each migration is applied by one of them; the others find it done under the write lock
    (before, one failed with `duplicate column name`), and the losers of the race to switch
    a new file to WAL try again (before, 'database is locked' in about one file of fifty).
    Six openers, a hundred new files."""
    for n in range(100):
        path = tmp_path / f"n{n}.db"
        start = threading.Barrier(6)
        errors: list[Exception] = []

        def open_it(
            path: Path = path, start: threading.Barrier = start, errors: list[Exception] = errors
        ) -> None:
            start.wait()
            try:
                DeliveryLog(path).close()
            except sqlite3.Error as exc:
                errors.append(exc)

        openers = [threading.Thread(target=open_it) for _ in range(6)]
        for t in openers:
            t.start()
        for t in openers:
            t.join()
        assert errors == []
        log = DeliveryLog(path)
        assert int(log.connection.execute("PRAGMA user_version").fetchone()[0]) == len(
            NOTIFIER_MIGRATIONS
        )
        log.close()
