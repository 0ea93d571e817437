"""What a channel worker is handed and how it answers: a `Job` (one message for one channel),
the `Ticket` of the record it came from, the `Gate` of partition-owned state it asks.

Their own module because every side of the notifier speaks them: the router (stage.py), the
deliveries hop (hop.py, sender.py), digests and the changelog, besides the worker itself
(delivery.py), which none of those others need.
"""

from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from schemas.alert import Alert
from services.core.bus import Record
from services.notifier.render import Rendered
from services.notifier.view import AlertView

#: The stage named on the dead letters of the notifier's records.
STAGE = "notifier"
#: A job's partition was revoked before it was sent: not done, not committed (its record is
#: read again, by the partition's next owner or by this replica when it gets it back).
REVOKED = "revoked"


@dataclass
class Ticket:
    """One consumed record; committed once every channel it was routed to is finished."""

    record: Record | None
    remaining: int
    dropped: bool = False  # a channel's job was dropped (REVOKED): never commit the record


@dataclass
class Job:
    """One message for one channel: an alert, or a digest of held alerts (`batch`)."""

    key: str  # delivery-log key: the alert id, or 'digest:<batch>'
    message: Rendered
    ticket: Ticket | None = None
    alert: Alert | None = None
    batch: str | None = None
    alerts: tuple[Alert, ...] = field(default=())
    reply_to: str | None = None  # alert id of the message to thread under (its event's first)
    view: AlertView | None = None  # with `remake`: re-rendered to say "delayed N min"
    remake: Callable[[AlertView], Rendered] | None = None
    notice: bool = False  # a dead-letter notice for the ops channel: never reported itself
    revoked: bool = False  # read before its partition was revoked: dropped at its turn


Done = Callable[[str, Job, str], Awaitable[None]]  # (channel name, job, final state)


class Gate(Protocol):
    """Partition-owned state (changelog.py): what a worker must ask before and after a claim."""

    def scope(self, job: Job) -> AbstractContextManager[None]:
        """Rows written inside belong to the job's alerts partitions."""
        ...

    def owns(self, job: Job) -> bool:
        """The job's partitions are still this replica's."""
        ...

    async def sync(self) -> bool:
        """The rows written so far are in the changelog (False: stopping first)."""
        ...

    def partitions_of(self, job: Job) -> frozenset[int]:
        """The partitions whose state the job's rows belong to."""
        ...

    async def sends_finished(
        self, sending: Callable[[], list[Job | None]], partitions: set[int], *, bound: float
    ) -> None:
        """Wait until none of `sending()` is for `partitions`, or `bound` seconds."""
        ...
