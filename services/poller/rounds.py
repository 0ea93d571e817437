"""The poller's one console line per round: what a person watching `redflag run` needs.

Per-feed lines (`feed_polled`) are per-item detail; a round line says how many feeds were
polled, how many failed, how many articles were new and how many were skipped as older than
`poller.max_age`, so "why no alerts?" has its answer on screen. A round is the first pass
over every feed, then whatever was polled in the last `every` seconds.
"""

from dataclasses import dataclass, field

import structlog

POLL_ROUND = "poll_round"


@dataclass
class PollRound:
    """Counts since the last round line; `feeds` is how many this replica polls."""

    feeds: int
    every: float = 60.0
    polled: int = 0
    failed: int = 0
    new: int = 0
    too_old: int = 0
    _first_done: bool = False
    _last: float | None = None
    _log: structlog.BoundLogger = field(default_factory=lambda: structlog.get_logger(__name__))

    def add(self, *, new: int = 0, too_old: int = 0) -> None:
        """Articles from one poll or push."""
        self.new += new
        self.too_old += too_old

    def polled_one(self, now: float, *, ok: bool) -> None:
        """A poll ended; log the round when it is complete."""
        self._last = now if self._last is None else self._last
        self.polled += 1
        self.failed += 0 if ok else 1
        first = not self._first_done and self.polled >= self.feeds
        if first or (self._first_done and now - self._last >= self.every):
            self._first_done = True
            self.flush(now)

    def flush(self, now: float) -> None:
        """Log what was counted since the last line, if anything, and start again."""
        if self.polled or self.new:
            self._log.info(
                POLL_ROUND, feeds=self.polled, failed=self.failed, new=self.new,
                too_old=self.too_old,
            )  # fmt: skip
        self.polled = self.failed = self.new = self.too_old = 0
        self._last = now
