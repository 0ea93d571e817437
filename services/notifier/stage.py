"""The notifier's consumer loop: decode -> route -> render -> hand to channel workers -> commit.

An alert's offset is committed only when every channel it was routed to has it delivered,
dead-lettered, or safely held for a digest (delivery log in `state_dir/notifier.db`). With no
channels configured, alerts are printed to the terminal instead.
"""

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TextIO

import structlog

from schemas.alert import Alert
from services.core.bus import Bus, Consumer, Record
from services.core.consume import consume
from services.core.lifecycle import StopSignal
from services.core.logging import per_item
from services.events.rules import load_rules
from services.notifier.changelog import PartitionState, partition_state
from services.notifier.channels import Channel, ChannelError, build
from services.notifier.config import Settings
from services.notifier.crew import Crew, feed
from services.notifier.deliverylog import DeliveryLog, Uncertain
from services.notifier.digest import Digests
from services.notifier.dispatch import alert_view, dispatch
from services.notifier.hop import Hop, digest_hand
from services.notifier.jobs import REVOKED, STAGE, Job, Ticket
from services.notifier.metrics import (
    EVENT_REPEATS_SUPPRESSED,
    EVENT_REPORTS,
    EVENT_UPDATES,
)
from services.notifier.sender import sending
from services.notifier.slacklookup import confirm, settle_leftovers
from services.notifier.statecapture import working_for
from services.notifier.terminal import print_alerts
from services.notifier.tools import NotifyError, list_channels, test_channel

__all__ = ["NotifyError", "list_channels", "run", "test_channel"]

log = structlog.get_logger(__name__)

NOTIFIER_STARTED = "notifier_started"
NOTIFIER_STOPPED = "notifier_stopped"
ALERT_ROUTED = "alert_routed"
ALERT_HELD = "alert_held"
DELIVERY_LOG_OPENED = "delivery_log_opened"
per_item(ALERT_ROUTED)


async def run(settings: Settings, bus: Bus, stop: StopSignal, *, out: TextIO | None = None) -> None:
    """Consume alerts until `stop.stop`, or until drained when `stop.drain` is set."""
    out = out or sys.stdout
    try:
        channels = [build(c, settings.notifier, out) for c in settings.channels]
    except ChannelError as exc:
        raise NotifyError(str(exc)) from exc
    topics, group = [settings.kafka.topics.alerts], settings.kafka.groups.notifier
    if not channels:
        consumer = await bus.consumer(topics, group)
        log.info(NOTIFIER_STARTED, channels=[])
        try:
            await print_alerts(settings, bus, consumer, stop, out)
        finally:
            await consumer.close()
            log.info(NOTIFIER_STOPPED)
        return
    deliveries = DeliveryLog(
        settings.state_dir / "notifier.db", retention=settings.notifier.log_retention
    )
    try:
        state = await partition_state(settings, bus, deliveries, stop)
        consumer = await bus.consumer(topics, group, state)
        log.info(NOTIFIER_STARTED, channels=[c.name for c in channels], changelog=bool(state))
        hop = state is not None and settings.notifier.deliveries_hop
        try:
            async with sending(settings, bus, stop, out, on=hop):
                stage = _Stage(
                    settings, bus, consumer, stop, channels, deliveries=deliveries, state=state
                )
                stage.hop = Hop(bus, settings.kafka.topics.deliveries) if hop else None
                await stage.run()
        finally:
            await consumer.close()
            if state is not None:
                await state.sync()
                await state.changelog.close()
            log.info(NOTIFIER_STOPPED)
    finally:
        deliveries.close()


async def _consume(
    settings: Settings,
    bus: Bus,
    consumer: Consumer,
    record: Record,
    handle: Callable[[Alert], Awaitable[None]],
) -> None:
    """Decode and handle `record` through the one consume step; a record that is
    dead-lettered is committed here (a handled one commits when its deliveries settle)."""
    deadletter = settings.kafka.topics.deadletter
    if not await consume(record, Alert, handle, stage=STAGE, bus=bus, deadletter=deadletter):
        await consumer.commit([record])


class _Stage:
    """Routing and bookkeeping around the channel workers."""

    def __init__(
        self,
        settings: Settings,
        bus: Bus,
        consumer: Consumer,
        stop: StopSignal,
        channels: list[Channel],
        *,
        deliveries: DeliveryLog,
        state: PartitionState | None,
    ) -> None:
        self.settings = settings
        self.bus = bus
        self.consumer = consumer
        self.stop = stop
        self.channels = {c.name: c for c in channels}
        self.deliveries = deliveries
        self.state = state
        self.hop: Hop | None = None  # notifier.deliveries_hop: produce, not queue here
        if state is not None:
            state.lookup = self._look_up
        self.event_rules = load_rules()
        for kind in ("first", "repeat", "update", "edit"):  # series exist (at 0) from the start
            EVENT_REPORTS.labels(kind=kind)  # exported at 0 from the start
        for c in channels:
            EVENT_UPDATES.labels(channel=c.name)
            EVENT_REPEATS_SUPPRESSED.labels(channel=c.name)
        self.in_flight = 0
        self.crew = Crew(
            channels,
            settings=settings,
            bus=bus,
            deliveries=self.deliveries,
            stop=stop,
            done=self._finished,
            gate=state,
            thread_prefix="notifier-send",
        )
        self.executor, self.workers = self.crew.executor, self.crew.workers
        if state is not None:
            state.quiesce = self.crew.quiesce
        self.digests = Digests(channels, self.workers, self.deliveries, settings)

    async def _report_uncertain(self) -> None:
        """Sends this file began and never confirmed: asked about, else `on_uncertain`."""
        await settle_leftovers(
            self.deliveries,
            self.channels,
            resend=self.settings.notifier.on_uncertain == "resend",
            lease=self.settings.notifier.claim_lease,
            executor=self.executor,
            stop=self.stop,
            later=set() if self.state is None else self.state.capture.claims.known(),
        )

    async def run(self) -> None:
        await self._report_uncertain()
        log.info(DELIVERY_LOG_OPENED, **self.deliveries.counts())
        digest_task: asyncio.Task[None] | None = None

        def start_digests() -> None:
            nonlocal digest_task
            if digest_task is None and self.digests.active and self._held_are_ours():
                hand = digest_hand(self.hop, self.state, self.digests)
                digest_task = asyncio.create_task(self.digests.run(self.stop, hand))

        try:
            await feed(
                self.consumer,
                self.stop,
                self._handle,
                full=lambda: self.in_flight >= self.settings.notifier.max_pending,
                idle=lambda: self.in_flight == 0,
                each_turn=start_digests,
            )
        finally:
            if digest_task is not None:
                digest_task.cancel()
                await asyncio.gather(digest_task, return_exceptions=True)
            await self.crew.close()

    def _held_are_ours(self) -> bool:
        """Held alerts here are this replica's to send: always, but with the changelog only
        once partitions are assigned (held rows of partitions that went elsewhere dropped)."""
        return self.state is None or self.state.ready

    async def _look_up(self, items: list[Uncertain]) -> None:
        """Sends restored from another owner's partition: Slack bot sends are asked about."""
        await confirm(self.deliveries, self.channels, items, self.executor, self.stop)

    async def _handle(self, record: Record) -> None:
        async def route_alert(alert: Alert) -> None:
            if self.state is None:
                await self._route(record, alert)
                return
            with working_for({record.partition}):
                await self._route(record, alert)

        if self.state is not None and record.partition not in self.state.owned:
            return  # fetched before the partition went elsewhere: its new owner reads it
        await _consume(self.settings, self.bus, self.consumer, record, route_alert)

    async def _commit(self, record: Record) -> None:
        """Commit once the state written for it is in the changelog (with one)."""
        if self.state is None or await self.state.sync():
            await self.consumer.commit([record])

    async def _route(self, record: Record, alert: Alert) -> None:
        now = datetime.now(UTC)
        seen = self.deliveries.observe(alert, self.event_rules)
        if seen.fresh:
            EVENT_REPORTS.labels(kind=seen.decision.kind).inc()
        ticket = Ticket(record, 0)
        v = alert_view(alert, self.settings)
        jobs, held = dispatch(
            alert,
            seen,
            v,
            ticket,
            self.settings,
            channels=self.channels,
            deliveries=self.deliveries,
            now=now,
        )
        for name in held:
            log.info(ALERT_HELD, alert_id=alert.id, channel=name)
        log.info(
            ALERT_ROUTED,
            alert_id=alert.id,
            event_type=alert.event.type,
            event_id=seen.event_id,
            report=seen.decision.kind,
            channels=[c.name for c, _ in jobs],
        )
        if not jobs:
            await self._commit(record)
            return
        if self.hop is not None:  # the channel's owner sends it (sender.py)
            await self.hop.send(jobs, v)
            await self._commit(record)
            return
        ticket.remaining = len(jobs)
        self.in_flight += 1
        for channel, job in jobs:
            self.workers[channel.name].queue.put_nowait(job)

    async def _finished(self, channel: str, job: Job, state: str) -> None:
        if job.batch is not None:
            if state == REVOKED:
                self.digests.dropped(channel)
            else:
                self.digests.finished(channel, job, state)
                if self.state is not None:
                    await self.state.sync()
            return
        ticket = job.ticket
        if ticket is None:
            return
        ticket.dropped = ticket.dropped or state == REVOKED
        ticket.remaining -= 1
        if ticket.remaining == 0:
            self.in_flight -= 1
            if ticket.record is not None and not ticket.dropped:
                await self._commit(ticket.record)
