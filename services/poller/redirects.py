"""Permanent redirects move a feed only once they have held: several polls over at least a day.

A single 301 from a hijacked or misconfigured server would otherwise repoint a feed for good
(issue 11). RFC 9110 15.4.2 lets a client update its link on a 301; we do, but only after
`poller.move_after_polls` polls over `poller.move_after` seconds all saw the same target,
and never to a target the feed's own egress policy would refuse. A poll that ends without a
permanent redirect (a 200 at the old URL, a 302) forgets the candidate. Candidates live in
their own table of poller.db, so a restart does not reset the count.
"""

import sqlite3
from dataclasses import dataclass
from urllib.parse import urlsplit

from services.core.egress import host_is_public
from services.poller.config import FeedConfig, PollerSettings


@dataclass(frozen=True, slots=True)
class Candidate:
    """A permanent redirect seen but not yet followed for good."""

    target: str
    first_seen: float
    last_seen: float
    polls: int


class Redirects:
    """Candidate moves, one per feed, in the poller's SQLite file (committed with the poll)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db  # the table is part of poller.db's layout (state.MIGRATIONS)

    def observe(
        self, key: str, target: str | None, now: float, *, polls: int, span: float
    ) -> str | None:
        """Record this poll's permanent-redirect target (None: there was none); returns the
        target when the feed should move now."""
        if target is None:
            self.db.execute("DELETE FROM redirects WHERE key = ?", (key,))
            return None
        seen = self.get(key)
        if seen is None or seen.target != target:
            seen = Candidate(target, now, now, 1)
        else:
            seen = Candidate(target, seen.first_seen, now, seen.polls + 1)
        if seen.polls >= polls and seen.last_seen - seen.first_seen >= span:
            self.db.execute("DELETE FROM redirects WHERE key = ?", (key,))
            return target
        self.db.execute(
            "INSERT OR REPLACE INTO redirects VALUES (?, ?, ?, ?, ?)",
            (key, seen.target, seen.first_seen, seen.last_seen, seen.polls),
        )
        return None

    def follow(
        self, feed: FeedConfig, current: str, target: str | None, now: float, p: PollerSettings
    ) -> str | None:
        """`observe` for a poll of `feed` at `current` whose permanent redirects led to
        `target`; a target the feed's own policy would refuse never counts."""
        if target is not None and not (p.allow_private_feeds or feed.allow_private):
            host = urlsplit(target).hostname
            target = target if host and host_is_public(host) else None
        if target == current:
            target = None
        return self.observe(feed.url, target, now, polls=p.move_after_polls, span=p.move_after)

    def get(self, key: str) -> Candidate | None:
        """The pending candidate of one feed."""
        row = self.db.execute(
            "SELECT target, first_seen, last_seen, polls FROM redirects WHERE key = ?", (key,)
        ).fetchone()
        return Candidate(*row) if row else None

    def all(self) -> dict[str, Candidate]:
        """Every pending candidate, by feed key (for `redflag feeds`)."""
        try:
            rows = self.db.execute(
                "SELECT key, target, first_seen, last_seen, polls FROM redirects"
            ).fetchall()
        except sqlite3.OperationalError:  # a read-only view of a file from before the table
            return {}
        return {row[0]: Candidate(*row[1:]) for row in rows}
