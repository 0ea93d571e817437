"""Held alerts (digest mode, quiet hours) -> one digest message per channel when due.

Held alerts are rows in the delivery log's `held` table, stored before their offsets are
committed, so they survive restarts. A digest is due `every` after the oldest alert waiting
in it (digest mode), or as soon as quiet hours end (quiet hours only), and never during quiet
hours. Its alerts are first assigned to a batch id, then the batch is sent like any alert
(key 'digest:<batch>': paced, retried, logged before and after); a restart finds an
unfinished batch and finishes it under the same exactly-once policy as single alerts.
"""

import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import structlog

from schemas.alert import Alert
from services.core.lifecycle import StopSignal
from services.notifier.channels import Channel
from services.notifier.config import Settings
from services.notifier.console import format_alert
from services.notifier.delivery import ChannelWorker
from services.notifier.deliverylog import DELIVERED, UNCERTAIN, DeliveryLog
from services.notifier.eventviews import plan, update_of, update_view, with_reports
from services.notifier.jobs import Job
from services.notifier.render import Rendered, render_digest
from services.notifier.routing import in_quiet_hours, is_critical
from services.notifier.view import AlertView, view

log = structlog.get_logger(__name__)

DIGEST_QUEUED = "digest_queued"
DIGEST_CLOSED = "digest_closed"
#: Quiet hours without a digest: send what waited in batches of this many.
QUIET_BATCH = 50
TICK = 1.0
#: Where a due digest goes instead of its channel's worker: (channel, job), done on return.
Hand = Callable[[Channel, Job], Awaitable[None]]


class Digests:
    """Decides when each channel's held alerts go out, and hands them to its worker."""

    def __init__(
        self,
        channels: list[Channel],
        workers: dict[str, ChannelWorker],
        deliveries: DeliveryLog,
        settings: Settings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._channels = [
            c for c in channels if c.config.digest is not None or c.config.quiet_hours is not None
        ]
        self._workers = workers
        self._log = deliveries
        self._settings = settings
        self._clock = clock
        self._open: set[str] = set()

    @property
    def active(self) -> bool:
        """True when any channel can hold alerts."""
        return bool(self._channels)

    async def run(self, stop: StopSignal, hand: Hand | None = None) -> None:
        """Check every `TICK` seconds until stopped; each due digest goes to its channel's
        worker, or to `hand` (the deliveries hop: the channel's sender sends it)."""
        while not stop.stopping:
            if hand is None:
                self.flush_due()
            else:
                for channel, job in self.take_due():
                    await hand(channel, job)
            if await stop.wait(TICK):
                return

    def flush_due(self) -> int:
        """Queue every digest that is due now; returns how many were queued."""
        due = self.take_due()
        for channel, job in due:
            self._workers[channel.name].queue.put_nowait(job)
        return len(due)

    def take_due(self) -> list[tuple[Channel, Job]]:
        """Every digest that is due now, each channel's marked open until `finished`."""
        due: list[tuple[Channel, Job]] = []
        for channel in self._channels:
            if channel.name in self._open or not self._due(channel):
                continue
            job = self._job(channel)
            if job is not None:
                self._open.add(channel.name)
                due.append((channel, job))
        return due

    def _due(self, channel: Channel) -> bool:
        now = self._clock()
        open_batch = self._log.batch_id(channel.name)
        if open_batch is not None and not self._settle(channel, open_batch):
            return True  # an unfinished batch from before a restart: finish it first
        if in_quiet_hours(channel.config.quiet_hours, datetime.fromtimestamp(now, UTC)):
            return False
        first = self._log.first_held_at(channel.name)
        if first is None:
            return False
        digest = channel.config.digest
        return digest is None or now >= first + digest.every

    def _settle(self, channel: Channel, batch: str) -> bool:
        """Close a batch whose outcome is already known; True if it was closed."""
        state = self._log.state(f"digest:{batch}", channel.name)
        if state == DELIVERED or (
            state == UNCERTAIN and self._settings.notifier.on_uncertain == "skip"
        ):
            self._log.close_batch(channel.name, batch, state)
            log.info(DIGEST_CLOSED, channel=channel.name, batch=batch, state=state)
            return True
        return False

    def _job(self, channel: Channel) -> Job | None:
        digest = channel.config.digest
        limit = digest.max_items if digest is not None else QUIET_BATCH
        alerts = self._log.open_batch(channel.name, uuid.uuid4().hex[:16], limit)
        batch = self._log.batch_id(channel.name)
        if not alerts or batch is None:
            return None
        views = [self._view(channel, a) for a in alerts]
        if channel.kind is None:
            message = Rendered("", "".join(format_alert(v) for v in views), "text", "info")
        else:
            message = render_digest(views, channel.kind, channel.max_length)
        log.info(DIGEST_QUEUED, channel=channel.name, batch=batch, alerts=len(alerts))
        return Job(key=f"digest:{batch}", message=message, batch=batch, alerts=tuple(alerts))

    def dropped(self, channel: str) -> None:
        """The worker dropped a digest job (its partitions went elsewhere): the batch stays
        open, and what is left of it here is offered again."""
        self._open.discard(channel)

    def _view(self, channel: Channel, alert: Alert) -> AlertView:
        """A held alert as its digest line shows it: an UPDATE keeps its old -> new and names
        the alert it updates; every line carries its event's report count so far."""
        v = view(alert, critical=is_critical(alert, self._settings.notifier))
        decision = self._log.recorded(alert.id)
        if decision is not None and decision.event_id is not None:
            what = plan(decision.kind, channel.config.reports, opener=True, threads=False)
            if what == "update":
                first = self._log.first_report(decision.event_id)
                of = update_of(*first) if first is not None else ""
                v = update_view(v, alert.event.type, decision, of)
        return with_reports(v, *self._log.reports_of(alert.id))

    def finished(self, channel: str, job: Job, state: str) -> None:
        """The worker is done with a digest job: drop its batch from the held table."""
        if job.batch is not None:
            self._log.close_batch(channel, job.batch, state)
            self._open.discard(channel)
            log.info(DIGEST_CLOSED, channel=channel, batch=job.batch, state=state)
