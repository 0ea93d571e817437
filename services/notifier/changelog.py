"""The notifier's state per alerts partition, kept in a compacted changelog topic on Kafka.

Kafka Streams' state-store pattern (docs/notifier.md, "Exactly once"): `notifier.db` is a
cache. Every row written for alerts partition p (statecapture.py) is published to changelog
partition p, and the broker's acknowledgement is awaited before what depends on it: the chat
API call after an `attempting` claim, the offset commit after `delivered` (or held, or
routed nowhere). When the group hands this replica partition p, `assigned` (awaited by the
consumer before it fetches any record of p) reads changelog partition p from the cache's
checkpoint (from the start when the cache is new or lost) into the cache, and settles the
`attempting` rows it brought with `notifier.on_uncertain`. When p is taken away, `revoked`
waits for sends of p in progress, publishes what is pending and drops p's held alerts here
(their new owner sends them in its digests).
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager

import structlog

from services.core.bus import Bus, BusError, Change, Changelog
from services.core.lifecycle import StopSignal
from services.notifier.config import Settings
from services.notifier.deliverylog import FAILED, UNCERTAIN, DeliveryLog, Uncertain
from services.notifier.jobs import Job
from services.notifier.slacklookup import DELIVERY_UNCERTAIN
from services.notifier.statecapture import StateCapture, working_for

log = structlog.get_logger(__name__)

NOTIFIER_STATE_RESTORED = "notifier_state_restored"
NOTIFIER_STATE_PUBLISH_FAILED = "notifier_state_publish_failed"
NOTIFIER_STATE_RESTORE_FAILED = "notifier_state_restore_failed"
NOTIFIER_STATE_HANDED_OVER = "notifier_state_handed_over"
_APPLY_EVERY = 500  # restored rows per SQLite transaction
_RETRY_S = 1.0
_UNCONFIRMED = "send began on the partition's previous owner and was never confirmed"

Quiesce = Callable[[set[int]], Awaitable[None]]
Lookup = Callable[[list[Uncertain]], Awaitable[None]]


class PartitionState:
    """Implements `services.core.bus.AssignmentListener` for the notifier's consumer."""

    def __init__(
        self,
        changelog: Changelog,
        deliveries: DeliveryLog,
        stop: StopSignal,
        *,
        resend: bool,
    ) -> None:
        self.changelog = changelog
        self.deliveries = deliveries
        self.capture = StateCapture(deliveries.connection)
        self.owned: set[int] = set()
        self.ready = False  # assigned at least once: held alerts here are ours to send
        self.quiesce: Quiesce | None = None  # waits for sends of these partitions (the stage)
        self.lookup: Lookup | None = None  # asks Slack about restored sends (the stage)
        self._stop = stop
        self._resend = resend
        self._lock = asyncio.Lock()

    def partitions_of(self, job: Job) -> frozenset[int]:
        """The alerts partitions a job's rows belong to: its record's, or (a digest) those
        its alerts were held from."""
        if job.ticket is not None and job.ticket.record is not None:
            return frozenset({job.ticket.record.partition})
        homes = self.capture.homes
        return frozenset().union(*(homes.get(a.id, frozenset()) for a in job.alerts))

    # the `delivery.Gate` a channel worker asks
    def scope(self, job: Job) -> AbstractContextManager[None]:
        """Rows written for `job` go to its partitions."""
        return working_for(self.partitions_of(job))

    def owns(self, job: Job) -> bool:
        """True when every partition of `job` is this replica's now."""
        return self.partitions_of(job) <= self.owned

    async def assigned(self, partitions: set[int]) -> None:
        """Restore each partition's state before any of its records is handled."""
        for p in sorted(partitions):
            while True:
                try:
                    await self._restore(p)
                    break
                except BusError as exc:  # the broker did not answer: try again
                    log.warning(NOTIFIER_STATE_RESTORE_FAILED, partition=p, error=repr(exc))
                    if await self._stop.wait(_RETRY_S):
                        return  # stopping: not ours to handle, its records stay unread
        self.owned = set(partitions)
        self.ready = True
        self._drop_held(self.capture.partitions_held() - self.owned)  # not ours (any more)
        await self.sync()  # the settled `attempting` rows

    async def revoked(self, partitions: set[int]) -> None:
        """Hand the partitions over: sends in progress finish, what is written is published."""
        self.owned -= partitions
        if self.quiesce is not None:
            await self.quiesce(partitions)
        await self.sync()
        self._drop_held(partitions)

    def _drop_held(self, partitions: set[int]) -> None:
        """Forget here the alerts held for `partitions`: their owner sends them in its
        digests. Such a partition is restored in full if it comes back (not from the
        checkpoint, which is past the held rows)."""
        affected = partitions & self.capture.partitions_held()
        dropped = self.capture.drop_held(affected)
        if not dropped:
            return
        for p in affected:
            self.capture.set_checkpoint(p, None)
        log.info(NOTIFIER_STATE_HANDED_OVER, partitions=sorted(partitions), held_dropped=dropped)

    async def sends_finished(
        self, sending: Callable[[], list[Job | None]], partitions: set[int], *, bound: float
    ) -> None:
        """Wait until none of `sending()` (the jobs being sent) is for `partitions`, or
        `bound` seconds (its claim is in the changelog: the next owner settles it)."""
        deadline = asyncio.get_running_loop().time() + bound
        while any(j is not None and self.partitions_of(j) & partitions for j in sending()):
            if asyncio.get_running_loop().time() > deadline:
                return
            await asyncio.sleep(0.02)

    async def _restore(self, partition: int) -> None:
        start = self.capture.checkpoint(partition) or 0
        began = time.monotonic()
        rows, end, attempting = await read_partition(self.changelog, self.capture, partition, start)
        self.capture.set_checkpoint(partition, end)
        # with them, this cache's own leftovers of p (a crash mid-send): settled now, as p's
        # owner, so what is decided reaches p's changelog (claims.py)
        attempting += self.capture.claims.leftovers(partition)
        settled = await self._settle(partition, list(dict.fromkeys(attempting)))
        log.info(
            NOTIFIER_STATE_RESTORED,
            partition=partition,
            from_offset=start,
            to_offset=end,
            rows=rows,
            uncertain=settled,
            seconds=round(time.monotonic() - began, 3),
        )

    async def _settle(self, partition: int, pairs: list[tuple[str, str]]) -> int:
        """`attempting` rows of p restored from another owner, or left in this cache by a
        crash: sends begun and never confirmed. Slack bot sends are looked up first
        (`lookup`); the rest follow `on_uncertain`."""
        settled = 0
        state = FAILED if self._resend else UNCERTAIN
        with working_for({partition}):  # what is decided here goes to p's changelog
            if self.lookup is not None and pairs:
                first = self.deliveries.first_tried
                await self.lookup([Uncertain(a, c, first(a, c) or time.time()) for a, c in pairs])
                if self._stop.stopping:
                    return 0  # not settled blind: the partition's next owner asks again
            for alert_id, channel in pairs:
                if not self.deliveries.settle(alert_id, channel, state, _UNCONFIRMED):
                    continue  # confirmed by the lookup, or no longer `attempting`
                settled += 1
                log.warning(
                    DELIVERY_UNCERTAIN,
                    alert_id=alert_id,
                    channel=channel,
                    policy="resend" if self._resend else "skip",
                    partition=partition,
                )
        return settled

    async def sync(self) -> bool:
        """Publish every row written so far and wait for the broker; False when stopping
        before it could (the caller then does not act on those rows)."""
        async with self._lock:
            while self.capture.pending:
                for p, changes in self.capture.take().items():
                    end = await self._write(p, changes)
                    if end is None:
                        self.capture.pending.setdefault(p, [])[:0] = changes  # kept, in order
                        return False
                    if p in self.owned:
                        self.capture.set_checkpoint(p, end)
                self.capture.save_homes()
        return True

    async def _write(self, partition: int, changes: list[Change]) -> int | None:
        while True:
            try:
                return await self.changelog.write(partition, changes)
            except BusError as exc:
                log.warning(NOTIFIER_STATE_PUBLISH_FAILED, partition=partition, error=str(exc))
                if self._stop.stopping or await self._stop.wait(_RETRY_S):
                    return None


async def read_partition(
    changelog: Changelog, capture: StateCapture, partition: int, start: int
) -> tuple[int, int, list[tuple[str, str]]]:
    """Changelog partition `partition` from `start` to its end into the cache (not captured
    again): the rows read, the next offset, and the pairs that arrived `attempting`."""
    rows, end = 0, start
    batch: list[Change] = []
    attempting: list[tuple[str, str]] = []
    async for offset, change in changelog.read(partition, start):
        batch.append(change)
        end = offset + 1
        if len(batch) >= _APPLY_EVERY:
            attempting += capture.apply(partition, batch)
            rows += len(batch)
            batch = []
    attempting += capture.apply(partition, batch)
    return rows + len(batch), end, attempting


async def partition_state(
    settings: Settings, bus: Bus, deliveries: DeliveryLog, stop: StopSignal
) -> PartitionState | None:
    """The state per alerts partition in the changelog topic (Kafka), or None (the embedded
    bus, or `notifier.changelog: false`): the local file alone."""
    if not settings.notifier.changelog:
        return None
    topics = settings.kafka.topics
    changelog = await bus.changelog(
        topics.notifier_state, topics.alerts, settings.notifier.log_retention
    )
    if changelog is None:
        return None
    resend = settings.notifier.on_uncertain == "resend"
    return PartitionState(changelog, deliveries, stop, resend=resend)
