"""Dynamic feed assignment: replicas share slots through a Kafka consumer group.

Each feed belongs to one slot, `slot_of(url, slots)`; the slots are the partitions of
`poller.feeds_topic`, which nobody reads: the group coordinator only shares them out among
the poller replicas and moves them when a replica joins or leaves (or stops heartbeating).
A replica schedules exactly the feeds of the slots it holds. aiokafka's protocol is eager:
a rebalance revokes every slot before it assigns, so two replicas never hold a slot at once.
"""

import hashlib
from collections.abc import Callable, Iterable

import structlog

from services.poller.scheduler import Scheduler
from services.poller.state import FeedState

log = structlog.get_logger(__name__)

POLLER_SLOTS_ASSIGNED = "poller_slots_assigned"
POLLER_SLOTS_REVOKED = "poller_slots_revoked"


def slot_of(key: str, slots: int) -> int:
    """The slot of the feed with configured URL `key`: the same in every process."""
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big") % slots


class SlotAssignment:
    """A partition listener that schedules the feeds of held slots and drops the rest."""

    def __init__(
        self,
        keys: Iterable[str],
        slots: int,
        scheduler: Scheduler,
        reload: Callable[[list[str]], None],
    ) -> None:
        self.scheduler = scheduler
        self.reload = reload
        self.by_slot: dict[int, list[str]] = {}
        for key in keys:
            self.by_slot.setdefault(slot_of(key, slots), []).append(key)
        self.held: set[int] = set()

    def assigned(self, partitions: set[int]) -> None:
        """Schedule the feeds of these slots, each when its state says it is due."""
        keys = [key for slot in sorted(partitions) for key in self.by_slot.get(slot, ())]
        # Another replica may have polled these feeds meanwhile (into a shared state_dir):
        # read their rows again, except those with a poll of ours still in flight.
        self.reload([key for key in keys if key not in self.scheduler.running])
        for key in keys:
            state = self.scheduler.states[key]
            if not state.disabled:
                self.scheduler.add(key, state.next_poll)
        self.held = set(partitions)
        log.info(POLLER_SLOTS_ASSIGNED, slots=len(partitions), feeds=len(keys))

    def revoked(self, partitions: set[int]) -> None:
        """Stop scheduling the feeds of these slots; polls in flight finish."""
        count = 0
        for slot in partitions:
            for key in self.by_slot.get(slot, ()):
                self.scheduler.remove(key)
                count += 1
        self.held -= partitions
        if partitions:
            log.info(POLLER_SLOTS_REVOKED, slots=len(partitions), feeds=count)


def refresh(states: dict[str, FeedState], stored: dict[str, FeedState], keys: list[str]) -> None:
    """Replace the in-memory state of `keys` with their stored rows, where there are any.

    The WebSub expiry stays as it is in memory: a subscription's callback lives in this
    process, so another replica's subscription does not count as ours.
    """
    for key in keys:
        row = stored.get(key)
        if row is not None and key in states:
            row.name = states[key].name
            row.websub_expires = states[key].websub_expires
            states[key] = row
