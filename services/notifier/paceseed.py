"""A channel's pacer, seeded with the sends its previous owner made (the deliveries hop).

A channel's deliveries partition that moves (rebalance, kill -9) is restored from the senders'
changelog with its delivery rows. A fresh pacer on the new owner would let a full window go
out at once, on top of what the old owner sent just before: up to twice the limit in that
second. So once a partition is restored, the rows of the last window are counted in the
pacer's windows (`DeliveryLog.recent_sends`: every request the chat may have seen, sends cut
mid-flight included), by their age in wall-clock time (the rows') mapped onto the pacer's
monotonic clock.
"""

import time
from collections.abc import Callable

import structlog

from services.notifier.changelog import PartitionState
from services.notifier.channels import Channel
from services.notifier.deliverylog import DeliveryLog
from services.notifier.pacing import Pacer

log = structlog.get_logger(__name__)

PACER_SEEDED = "pacer_seeded"


def seed(
    pacer: Pacer,
    deliveries: DeliveryLog,
    channels: list[Channel],
    wall: Callable[[], float] = time.time,
) -> None:
    """Count each channel's recent sends in its windows (a window filled by this replica's
    own sends already is kept: see `Pacer.seed`)."""
    periods = [limit.period for c in channels for limit, _ in c.limits]
    if not periods:
        return
    now = wall()
    sent = deliveries.recent_sends(now - max(periods))
    for channel in channels:
        stamps = sent.get(channel.name)
        if stamps and channel.limits:
            pacer.seed(list(channel.limits), stamps, now)
            log.info(PACER_SEEDED, channel=channel.name, recent_sends=len(stamps))


class Seeding:
    """The sender's `AssignmentListener`: `PartitionState`'s restore, then the pacer seeded
    from what it restored, before any record of the partitions is handed out."""

    def __init__(self, state: PartitionState, pacer: Pacer, channels: list[Channel]) -> None:
        self.state = state
        self.pacer = pacer
        self.channels = channels

    async def assigned(self, partitions: set[int]) -> None:
        """Restore, then seed."""
        await self.state.assigned(partitions)
        seed(self.pacer, self.state.deliveries, self.channels)

    async def revoked(self, partitions: set[int]) -> None:
        """As `PartitionState.revoked`."""
        await self.state.revoked(partitions)
