"""Hands due feeds to a bounded set of concurrent polls, like miniflux's scheduler and workers.

A heap orders feeds by next poll time. A feed is started only when a global slot is free
(`poller.concurrency`) and its host has fewer than `poller.per_host` polls in flight;
otherwise it waits in that host's queue and starts when a poll of the same host ends.
`remove(key)` stops scheduling a feed (its heap entry goes stale and is skipped; a poll in
flight finishes), which is how a replica hands a feed to another (`assign.py`).
"""

import asyncio
import heapq
import itertools
import time
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import structlog

from services.core.lifecycle import StopSignal
from services.poller.state import FeedState

log = structlog.get_logger(__name__)

POLLS_CANCELLED = "polls_cancelled"
_IDLE = 60.0  # longest sleep between looks at the heap
PollFn = Callable[[str], Awaitable[object]]


def host_of(url: str) -> str:
    """The per-host limit's key: the host name, or 'local' for files."""
    return (urlsplit(url).hostname or "local").lower()


class Scheduler:
    """Runs `poll(key)` for each due feed under the concurrency and per-host limits."""

    def __init__(
        self, states: dict[str, FeedState], poll: PollFn, *, concurrency: int, per_host: int
    ) -> None:
        self.states = states
        self.poll = poll
        self.per_host = per_host
        self.slots = asyncio.Semaphore(concurrency)
        self.heap: list[tuple[float, int, str]] = []
        self.live: dict[str, int] = {}  # key -> sequence number of its one valid heap entry
        self.owned: set[str] = set()  # feeds being scheduled
        self.running: set[str] = set()  # feeds with a poll in flight
        self._seq = itertools.count()
        self.waiting: defaultdict[str, deque[str]] = defaultdict(deque)
        self.inflight: Counter[str] = Counter()
        self.tasks: set[asyncio.Task[None]] = set()
        self.active = 0  # polls started and not finished (tasks leave `tasks` a tick later)
        self.wake = asyncio.Event()
        self.once = False

    def add(self, key: str, due: float) -> None:
        """Schedule a feed, first at `due` (seconds since the epoch)."""
        self.owned.add(key)
        if key not in self.running:  # else queued again when its poll ends
            self._push(key, due)

    def remove(self, key: str) -> None:
        """Stop scheduling a feed; a poll of it in flight finishes."""
        self.owned.discard(key)
        self.live.pop(key, None)

    def _push(self, key: str, due: float) -> None:
        seq = next(self._seq)
        self.live[key] = seq  # any older entry of this key is now stale
        heapq.heappush(self.heap, (due, seq, key))
        self.wake.set()

    async def _run_one(self, key: str, host: str) -> None:
        try:
            await self.poll(key)
        finally:
            self.active -= 1
            self.running.discard(key)
            self.slots.release()
            self.inflight[host] -= 1
            if self.waiting[host]:
                nxt = self.waiting[host].popleft()
                if nxt in self.owned and nxt not in self.running:
                    self._push(nxt, 0.0)
            state = self.states[key]
            if not self.once and not state.disabled and key in self.owned:
                self._push(key, state.next_poll)
            self.wake.set()

    async def _dispatch_due(self, stop: StopSignal) -> None:
        while self.heap and self.heap[0][0] <= time.time() and not stop.stopping:
            _, seq, key = heapq.heappop(self.heap)
            if self.live.get(key) != seq or key in self.running:
                continue  # stale: removed, or queued again since
            del self.live[key]
            host = host_of(self.states[key].url)
            if self.inflight[host] >= self.per_host:
                self.waiting[host].append(key)
                continue
            await self.slots.acquire()  # backpressure: wait for a free slot
            if key not in self.owned:  # handed to another replica meanwhile
                self.slots.release()
                continue
            self.inflight[host] += 1
            self.active += 1
            self.running.add(key)
            task = asyncio.create_task(self._run_one(key, host), name=f"poll {key}")
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def run(self, stop: StopSignal, *, once: bool = False, grace: float = 15.0) -> None:
        """Poll until stopped; with `once`, until every queued feed was polled once."""
        self.once = once
        try:
            while not stop.stopping:
                self.wake.clear()
                await self._dispatch_due(stop)
                if once and not self.heap and not self.active:
                    return
                delay = self.heap[0][0] - time.time() if self.heap else _IDLE
                waiter = asyncio.create_task(self.wake.wait())
                stopper = asyncio.create_task(stop.stop.wait())
                await asyncio.wait({waiter, stopper}, timeout=max(0.0, min(delay, _IDLE)),
                                   return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
                waiter.cancel()
                stopper.cancel()
        finally:
            await self._drain(grace)

    async def _drain(self, grace: float) -> None:
        """Let polls in hand finish (up to `grace` seconds), then cancel the rest."""
        if not self.tasks:
            return
        _, pending = await asyncio.wait(set(self.tasks), timeout=grace)
        if pending:
            log.warning(POLLS_CANCELLED, count=len(pending))
            for task in pending:
                task.cancel()
            await asyncio.wait(pending)
