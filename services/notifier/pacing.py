"""Per-destination rate limits and retry back-off.

Why pace up front: a 429 costs a round trip and, on Telegram, a longer flood wait. So the
notifier keeps every destination under the service's published limits (Slack: 1 message/s
per webhook channel; Telegram: 1/s per chat, 20/min per group, 30/s per bot) and a 429
should not happen. When one does, the channel's destinations are paused for its Retry-After
(`transport` reads it); after any other failure, for the back-off delay. The back-off's
jitter only ever adds (delay x [1, 1.25)), so a retry never comes before the nominal step.
"""

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from services.core.backoff import exponential, spread
from services.core.lifecycle import StopSignal


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` sends per `period` seconds to destination `key`."""

    key: str
    count: int
    period: float


class _Window:
    """Sliding window of the last `count` send times."""

    __slots__ = ("count", "period", "stamps")

    def __init__(self, count: int, period: float) -> None:
        self.count = count
        self.period = period
        self.stamps: deque[float] = deque()

    def free_at(self, now: float, n: int) -> float:
        while self.stamps and self.stamps[0] <= now - self.period:
            self.stamps.popleft()
        if len(self.stamps) + n <= self.count:
            return now
        # the (len + n - count)-th oldest stamp must leave the window first
        return self.stamps[len(self.stamps) + n - self.count - 1] + self.period

    def take(self, now: float, n: int) -> None:
        self.stamps.extend([now] * n)

    def seed(self, now: float, stamps: list[float]) -> None:
        """Sends made elsewhere (another owner of the channel): they replace this window's
        own when they fill more of it, so seeding twice never counts a send twice."""
        self.free_at(now, 0)  # drop what has left the window
        recent = sorted(s for s in stamps if now - self.period < s <= now)
        if len(recent) > len(self.stamps):
            self.stamps = deque(recent)


class Pacer:
    """Shared by all channels: destinations with the same key share one window.

    `clock` is monotonic seconds (time.monotonic by default); tests pass their own.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._windows: dict[str, _Window] = {}
        self._paused: dict[str, float] = {}
        self._clock = clock

    def _window(self, limit: Limit) -> _Window:
        window = self._windows.get(limit.key)
        if window is None:
            window = self._windows[limit.key] = _Window(limit.count, limit.period)
        return window

    def ready_at(self, limits: list[tuple[Limit, int]], now: float) -> float:
        """Monotonic time at which `n` sends to every destination would be allowed."""
        at = now
        for limit, n in limits:
            at = max(at, self._window(limit).free_at(now, n), self._paused.get(limit.key, 0.0))
        return at

    def take(self, limits: list[tuple[Limit, int]], now: float) -> None:
        """Record `n` sends to each destination at `now`."""
        for limit, n in limits:
            self._window(limit).take(now, n)

    def seed(self, limits: list[tuple[Limit, int]], sent_at: list[float], wall_now: float) -> None:
        """Count sends recorded in wall-clock time (`sent_at`, epoch seconds; e.g. a channel's
        `delivered` rows restored from another replica) in each destination's window, each
        mapped onto this pacer's clock by its age: `now - (wall_now - at)`."""
        now = self._clock()
        for limit, n in limits:
            stamps = [now - max(0.0, wall_now - at) for at in sent_at for _ in range(n)]
            self._window(limit).seed(now, stamps)

    def paused_until(self, key: str) -> float | None:
        """When a paused destination may be sent to again (clock time), or None."""
        return self._paused.get(key)

    async def acquire(self, limits: list[tuple[Limit, int]], stop: StopSignal) -> bool:
        """Wait until every destination has room, then take it; False if stopping first."""
        while True:
            now = self._clock()
            at = self.ready_at(limits, now)
            if at <= now:
                self.take(limits, now)
                return True
            if await stop.wait(at - now):
                return False

    def pause(self, keys: list[str], seconds: float) -> None:
        """Hold every send to `keys` for `seconds` (a failure: the service may be limiting)."""
        until = self._clock() + seconds
        for key in keys:
            self._paused[key] = max(self._paused.get(key, 0.0), until)


def backoff(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Delay before retry number `attempt` (1-based): base * 2^(attempt-1), capped, jittered up."""
    return spread(exponential(attempt, base, cap), 0.0, 0.25, rng)
