"""`redflag feeds`: each configured feed's health, read from poller.db without polling."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from services.poller.config import Settings
from services.poller.redirects import Candidate, Redirects
from services.poller.state import FeedState, StateStore

Status = Literal["ok", "failing", "unhealthy", "disabled", "never polled"]


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """One line of `redflag feeds`."""

    name: str
    url: str
    status: Status
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    next_poll: datetime | None = None
    error_count: int = 0
    entries_seen: int = 0
    entries_old: int = 0  # skipped as older than poller.max_age
    current_url: str | None = None  # differs from url after a permanent redirect
    moving_to: str | None = None  # a permanent redirect seen, not yet held long enough
    redirect_polls: int = 0

    def note(self) -> str:
        """The last error, and where the feed moved or is moving."""
        notes = [self.last_error] if self.last_error else []
        if self.current_url and self.current_url != self.url:
            notes.append(f"moved to {self.current_url}")
        if self.moving_to:
            notes.append(f"redirects to {self.moving_to} ({self.redirect_polls} polls)")
        return "; ".join(notes)


def _when(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value else None


def feed_statuses(settings: Settings) -> list[FeedStatus]:
    """Status of every configured feed, in config order; 'never polled' without state."""
    path = settings.state_dir / "poller.db"
    states: dict[str, FeedState] = {}
    moves: dict[str, Candidate] = {}
    if path.exists():
        store = StateStore(path, readonly=True)
        try:
            states = store.feeds()
            moves = Redirects(store.db).all()
        finally:
            store.db.close()
    out = []
    for feed in settings.feeds:
        state = states.get(feed.url)
        status: Status
        if not feed.enabled or (state and state.disabled):
            status = "disabled"
        elif state is None or state.last_polled is None:
            status = "never polled"
        elif state.error_count >= settings.poller.unhealthy_after:
            status = "unhealthy"
        elif state.error_count and state.last_success is None:
            status = "failing"  # polled, never once successfully: not "ok"
        else:
            status = "ok"
        if state is None:
            out.append(FeedStatus(feed.name, feed.url, status))
            continue
        out.append(
            FeedStatus(
                name=feed.name,
                url=feed.url,
                status=status,
                last_success=_when(state.last_success),
                last_error=state.disabled or state.last_error,
                last_error_at=_when(state.last_error_at),
                next_poll=None if status == "disabled" else _when(state.next_poll),
                error_count=state.error_count,
                entries_seen=state.entries_seen,
                entries_old=state.entries_old,
                current_url=state.url,
                moving_to=moves[feed.url].target if feed.url in moves else None,
                redirect_polls=moves[feed.url].polls if feed.url in moves else 0,
            )
        )
    return out


def _ago(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "-"
    seconds = int((value - now).total_seconds())
    span = abs(seconds)
    text = f"{span}s" if span < 120 else f"{span // 60}m" if span < 7200 else f"{span // 3600}h"
    return f"in {text}" if seconds > 0 else f"{text} ago"


def format_statuses(statuses: list[FeedStatus], now: datetime | None = None) -> list[str]:
    """`redflag feeds` as a table a person can scan: one row per feed, errors last."""
    now = now or datetime.now(UTC)
    header = (
        "FEED", "STATUS", "LAST OK", "NEXT POLL", "ERRORS", "NEW", "TOO OLD", "LAST ERROR / MOVE"
    )  # fmt: skip
    rows = [
        (
            s.name,
            s.status,
            _ago(s.last_success, now),
            _ago(s.next_poll, now),
            str(s.error_count),
            str(s.entries_seen),
            str(s.entries_old),
            s.note()[:160],
        )
        for s in statuses
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    return [
        (
            "  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True))
            + "  "
            + row[-1]
        ).rstrip()
        for row in [header, *rows]
    ]
