"""The notifier's second hop, sending side: the replica that owns a channel's partition of
`redflag.deliveries` runs that channel's worker and pacer.

Every message for one channel is keyed by the channel's name, so it lands on one partition,
and the consumer group (`kafka.groups.sender`) gives each partition to one replica: the
channel's rate limit and order hold however many replicas route alerts. The delivery log
here (`state_dir/notifier-sender.db`) is owned per deliveries partition and kept in its own
changelog topic (`kafka.topics.sender_state`, the same `PartitionState` as the routing
side's), so a channel that moves to another replica is not sent again, and a thread reply
finds its opener's message id in the rows of its own channel.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial
from typing import TextIO

import structlog

from schemas.delivery import Delivery
from services.core.bus import Bus, Consumer, Record
from services.core.consume import consume
from services.core.lifecycle import StopSignal
from services.notifier.changelog import PartitionState
from services.notifier.channels import Channel, build
from services.notifier.config import NotifierSettings, Settings
from services.notifier.crew import Crew, feed
from services.notifier.deliverylog import DeliveryLog, Uncertain
from services.notifier.hop import render_for
from services.notifier.jobs import REVOKED, STAGE, Job, Ticket
from services.notifier.paceseed import Seeding
from services.notifier.pacing import Pacer
from services.notifier.render import Rendered
from services.notifier.routing import is_critical
from services.notifier.senderlog import SENDER_LOG
from services.notifier.slacklookup import confirm, settle_leftovers
from services.notifier.statecapture import working_for
from services.notifier.view import AlertView, Fact, view

log = structlog.get_logger(__name__)

SENDER_STARTED = "notifier_sender_started"
DELIVERY_UNKNOWN_CHANNEL = "delivery_unknown_channel"


class Sender:
    """Feeds the channel workers from the deliveries consumer; commits what they finish."""

    def __init__(
        self,
        settings: Settings,
        bus: Bus,
        consumer: Consumer,
        stop: StopSignal,
        channels: list[Channel],
        *,
        deliveries: DeliveryLog,
        state: PartitionState,
        pacer: Pacer | None = None,
    ) -> None:
        self.settings = settings
        self.bus = bus
        self.consumer = consumer
        self.stop = stop
        self.channels = {c.name: c for c in channels}
        self.deliveries = deliveries
        self.state = state
        state.lookup = self._look_up
        self.in_flight = 0
        self.crew = Crew(
            channels,
            settings=settings,
            bus=bus,
            deliveries=deliveries,
            stop=stop,
            done=self._finished,
            gate=state,
            thread_prefix="notifier-sender",
            pacer=pacer,
        )
        self.executor, self.workers = self.crew.executor, self.crew.workers
        state.quiesce = self.crew.quiesce

    async def run(self) -> None:
        """Send until `stop.stop`, or until drained when `stop.drain` is set."""
        await self._report_uncertain()
        log.info(SENDER_STARTED, channels=list(self.channels), **self.deliveries.counts())
        try:
            await feed(
                self.consumer,
                self.stop,
                self._handle,
                full=lambda: self.in_flight >= self.settings.notifier.max_pending,
                idle=lambda: self.in_flight == 0,
            )
        finally:
            await self.crew.close()

    async def _report_uncertain(self) -> None:
        """Sends this file began and never confirmed: asked about, else `on_uncertain`."""
        await settle_leftovers(
            self.deliveries,
            self.channels,
            resend=self.settings.notifier.on_uncertain == "resend",
            lease=self.settings.notifier.claim_lease,
            executor=self.executor,
            stop=self.stop,
            later=self.state.capture.claims.known(),  # settled at their restore (claims.py)
        )

    async def _handle(self, record: Record) -> None:
        if record.partition not in self.state.owned:
            return  # fetched before the partition went elsewhere: its new owner reads it

        notifier = self.settings.notifier

        async def queue(delivery: Delivery) -> None:
            worker = self.workers.get(delivery.channel)
            if worker is None:  # routed by a replica with another config: not ours to send
                log.error(DELIVERY_UNKNOWN_CHANNEL, channel=delivery.channel)
                await self.consumer.commit([record])
                return
            if delivery.replay and not self.deliveries.revive(delivery.log_key, delivery.channel):
                await self.consumer.commit([record])  # nothing dead to replay: never twice
                return
            job = Job(key=delivery.log_key, message=_rendered(delivery), alert=delivery.alert)
            job.ticket = Ticket(record, 1)
            job.reply_to = delivery.reply_to
            job.alerts = delivery.alerts
            job.view = remade_view(delivery, notifier)  # to say "delayed N min" when late
            job.remake = partial(render_for, worker.channel)
            self.in_flight += 1
            worker.queue.put_nowait(job)

        deadletter = self.settings.kafka.topics.deadletter
        with working_for({record.partition}):
            handled = await consume(
                record, Delivery, queue, stage=STAGE, bus=self.bus, deadletter=deadletter
            )
        if not handled:
            await self.consumer.commit([record])

    async def _finished(self, channel: str, job: Job, state: str) -> None:
        ticket = job.ticket
        if ticket is None:
            return
        ticket.dropped = ticket.dropped or state == REVOKED
        ticket.remaining -= 1
        if ticket.remaining > 0:
            return
        self.in_flight -= 1
        if ticket.record is not None and not ticket.dropped and await self.state.sync():
            await self.consumer.commit([ticket.record])

    async def _look_up(self, items: list[Uncertain]) -> None:
        """Sends restored from another owner's partition: Slack bot sends are asked about."""
        await confirm(self.deliveries, self.channels, items, self.executor, self.stop)


def _rendered(delivery: Delivery) -> Rendered:
    return Rendered(delivery.title, delivery.body, delivery.body_format, delivery.level)


def remade_view(delivery: Delivery, notifier: NotifierSettings) -> AlertView | None:
    """The view the router rendered `delivery` from, where it can be built again here: the
    alert's own (`plain`), or a thread reply's or an UPDATE's (`shown`); None for a digest,
    or a record from before `shown`."""
    alert = delivery.alert
    if alert is None or not (delivery.plain or delivery.shown):
        return None
    v = view(alert, critical=is_critical(alert, notifier))
    shown = delivery.shown
    if shown is None:
        return v
    facts = tuple(Fact(f.label, f.value, f.strong) for f in shown.facts)
    return replace(v, badge=shown.badge, emoji=shown.emoji, facts=facts, severe=shown.severe)


async def run_sender(
    settings: Settings, bus: Bus, stop: StopSignal, channels: list[Channel]
) -> None:
    """Join the sender group on the deliveries topic and send until stopped (or drained)."""
    deliveries = DeliveryLog(
        settings.state_dir / SENDER_LOG, retention=settings.notifier.log_retention
    )
    try:
        topics = settings.kafka.topics
        changelog = await bus.changelog(
            topics.sender_state, topics.deliveries, settings.notifier.log_retention
        )
        if changelog is None:
            raise RuntimeError("notifier.deliveries_hop needs the Kafka bus")
        resend = settings.notifier.on_uncertain == "resend"
        state = PartitionState(changelog, deliveries, stop, resend=resend)
        pacer = Pacer()  # seeded with a channel's last sends when its partition moves here
        listener = Seeding(state, pacer, channels)
        consumer = await bus.consumer([topics.deliveries], settings.kafka.groups.sender, listener)
        try:
            await Sender(
                settings,
                bus,
                consumer,
                stop,
                channels,
                deliveries=deliveries,
                state=state,
                pacer=pacer,
            ).run()
        finally:
            await consumer.close()
            await state.sync()
            await changelog.close()
    finally:
        deliveries.close()


def _stop_on_failure(stop: StopSignal, task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        stop.stop.set()


@asynccontextmanager
async def sending(
    settings: Settings, bus: Bus, stop: StopSignal, out: TextIO, *, on: bool
) -> AsyncIterator[None]:
    """`run_sender` alongside the routing stage (when `on`), with channels of its own. Each
    side ends the other: a failed sender stops the process (the router would only fill the
    topic) and re-raises its error on exit; a failed router cancels the sender."""
    if not on:
        yield
        return
    channels = [build(c, settings.notifier, out) for c in settings.channels]
    task = asyncio.create_task(run_sender(settings, bus, stop, channels), name="notifier:sender")
    task.add_done_callback(partial(_stop_on_failure, stop))
    try:
        yield
    except BaseException:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        raise
    await task
