"""WebSub subscriptions in poller.db: each with its own random callback token and secret.

Stored so a restart keeps the callbacks hubs know (and their secrets), renews on time and
unsubscribes feeds that left the config. A row's `pending` is the request we sent and the
hub has not yet verified ('subscribe' or 'unsubscribe'); only that mode is answered.
"""

import secrets
import sqlite3
from dataclasses import dataclass, replace

_COLUMNS = ("key", "hub", "topic", "token", "secret", "pending", "requested", "lease", "expires")


@dataclass(frozen=True, slots=True)
class Subscription:
    """One feed's subscription at one hub."""

    key: str
    hub: str
    topic: str
    token: str
    secret: str
    pending: str | None
    requested: float
    lease: float | None = None
    expires: float | None = None

    def renewal_due(self, now: float, margin: float) -> bool:
        """True when the lease ends within `margin` (or a request went unverified an hour)."""
        if self.pending is not None:
            return now - self.requested > 3600.0
        return self.expires is None or self.expires - now <= margin


def new_subscription(key: str, hub: str, topic: str, now: float) -> Subscription:
    """A fresh subscription: new token and secret (never reused across hubs or topics)."""
    return Subscription(
        key, hub, topic, secrets.token_urlsafe(24), secrets.token_urlsafe(32), "subscribe", now
    )


class Subscriptions:
    """The websub table; every write is committed at once (callbacks come between polls)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db  # the table is part of poller.db's layout (state.MIGRATIONS)

    def by_token(self, token: str) -> Subscription | None:
        """The subscription whose callback path is `token`."""
        return self._one("token", token)

    def by_key(self, key: str) -> Subscription | None:
        """The subscription of the feed with configured URL `key`."""
        return self._one("key", key)

    def all(self) -> list[Subscription]:
        """Every stored subscription."""
        rows = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM websub").fetchall()  # noqa: S608
        return [Subscription(*row) for row in rows]

    def save(self, sub: Subscription) -> None:
        """Insert or replace the feed's row."""
        marks = ", ".join("?" for _ in _COLUMNS)
        self.db.execute(
            f"INSERT OR REPLACE INTO websub ({', '.join(_COLUMNS)}) VALUES ({marks})",  # noqa: S608
            tuple(getattr(sub, c) for c in _COLUMNS),
        )
        self.db.commit()

    def verified(self, sub: Subscription, lease: float, now: float) -> Subscription:
        """The hub confirmed a subscribe: no longer pending, lease from now."""
        done = replace(sub, pending=None, lease=lease, expires=now + lease)
        self.save(done)
        return done

    def delete(self, key: str) -> None:
        """Forget the feed's subscription."""
        self.db.execute("DELETE FROM websub WHERE key = ?", (key,))
        self.db.commit()

    def _one(self, column: str, value: str) -> Subscription | None:
        row = self.db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM websub WHERE {column} = ?",  # noqa: S608
            (value,),
        ).fetchone()
        return Subscription(*row) if row else None
