"""notifier.db's layout: its tables, as migrations applied in order at open (`PRAGMA
user_version`, services/core/sqlite.py). The delivery log, held alerts, event state and dead
deliveries share the file; their classes mix into `deliverylog.DeliveryLog`.
"""

# Versioned layout (PRAGMA user_version): append a migration, never edit a released one.
# Version 1 is the layout from before versioning, so such a file adopts it as it is.
_V1 = """
CREATE TABLE IF NOT EXISTS deliveries (
    alert_id TEXT NOT NULL, channel TEXT NOT NULL, state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '',
    updated_at REAL NOT NULL, owner TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (alert_id, channel)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS held (
    channel TEXT NOT NULL, alert_id TEXT NOT NULL, alert TEXT NOT NULL,
    held_at REAL NOT NULL, batch TEXT,
    PRIMARY KEY (channel, alert_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS accepted (
    alert_id TEXT NOT NULL, channel TEXT NOT NULL, target TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (alert_id, channel, target)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS digests (
    channel TEXT PRIMARY KEY, last_sent_at REAL NOT NULL
) WITHOUT ROWID;
"""
MIGRATIONS = (
    _V1,
    # 2: events and their reports, the chat message each first report became (eventlog.py)
    """
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY, company TEXT NOT NULL, type TEXT NOT NULL,
    company_name TEXT NOT NULL DEFAULT '', facts TEXT NOT NULL, units_seen TEXT NOT NULL,
    times TEXT NOT NULL, first_alert TEXT NOT NULL, first_at REAL NOT NULL,
    last_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_company ON events (company, type, last_at);
CREATE TABLE IF NOT EXISTS event_reports (
    alert_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, kind TEXT NOT NULL,
    article_id TEXT NOT NULL, source TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '',
    link TEXT, old TEXT, facts TEXT NOT NULL, at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS event_reports_by_event ON event_reports (event_id);
CREATE TABLE IF NOT EXISTS event_messages (
    alert_id TEXT NOT NULL, channel TEXT NOT NULL, target TEXT NOT NULL, ref TEXT NOT NULL,
    at REAL NOT NULL, PRIMARY KEY (alert_id, channel, target)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_channels (
    event_id TEXT NOT NULL, channel TEXT NOT NULL, alert_id TEXT NOT NULL,
    PRIMARY KEY (event_id, channel)
) WITHOUT ROWID;
""",
    # 3: outages: when a pair was first tried (max_delay, "delayed N min"), and the alert of
    # each dead-lettered pair, so `redflag deadletter replay` can send it again
    """
ALTER TABLE deliveries ADD COLUMN first_at REAL;
CREATE TABLE IF NOT EXISTS dead_alerts (
    alert_id TEXT NOT NULL, channel TEXT NOT NULL, alert TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (alert_id, channel)
) WITHOUT ROWID;
""",
    # 4: the models and components an event's recall reports name (events/products.py); an
    # event stored before has none, and the unit rule alone decides for it
    """
ALTER TABLE events ADD COLUMN products TEXT NOT NULL DEFAULT '{}';
""",
)
