"""One worker per channel: in order, paced, retried, logged, dead-lettered; never twice.

Each channel has its own FIFO queue and task, so a failing or slow channel only ever holds up
its own queue. A job's life: wait for the pacer -> write `attempting` -> send (in a thread)
-> write `delivered` (or `failed`, wait, retry; once `max_delay` has passed since the first
try, or at once when the service refuses the request as such: dead-letter, write `dead`,
tell the ops channel) -> tell the stage the job is done (it commits the offset when all
channels are). The wait after a failure is the 429's Retry-After when the service named one,
else exponential back-off capped at `backoff_max` (a few seconds, so a recovery is noticed
soon: each retry is the probe); either way the channel's destinations are paused for it, so
queued messages behind it wait too, in order. An alert sent `delayed_after` or more after its
first try is re-rendered to say how late ("delayed 14 min").
"""

import asyncio
import contextlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

import structlog

from services.core.bus import Bus
from services.core.lifecycle import StopSignal
from services.notifier.channels import Channel, Outcome, Tag, deliver
from services.notifier.config import Settings
from services.notifier.deadletters import notice
from services.notifier.deadlog import DEAD
from services.notifier.deliverylog import DELIVERED, FAILED, FINAL, DeliveryLog
from services.notifier.giveup import attempts_budget, letter, why_dead
from services.notifier.jobs import REVOKED, Done, Gate, Job
from services.notifier.metrics import ALERT_LATENCY, DELIVERIES
from services.notifier.pacing import Pacer, backoff
from services.notifier.render import Rendered
from services.notifier.tools import NotifyError
from services.notifier.view import delayed

log = structlog.get_logger(__name__)

ALERT_DELIVERED = "alert_delivered"
DELIVERY_FAILED = "delivery_failed"
DELIVERY_RATE_LIMITED = "delivery_rate_limited"
DELIVERY_DEAD_LETTERED = "delivery_dead_lettered"
MAX_ATTEMPTS_CAPS = "max_attempts_caps_max_delay"


class ChannelWorker:
    """Delivers one channel's jobs in order."""

    def __init__(
        self,
        channel: Channel,
        *,
        settings: Settings,
        bus: Bus,
        deliveries: DeliveryLog,
        pacer: Pacer,
        stop: StopSignal,
        executor: ThreadPoolExecutor,
        done: Done,
        gate: Gate | None = None,
    ) -> None:
        self.channel = channel
        self.sending: Job | None = None  # the job whose send is in progress (a revoke waits)
        self._gate = gate
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
        self.current: Job | None = None  # the job in hand (waiting for the pacer, or sent)
        self._closing = False
        self._settings = settings
        self._bus = bus
        self._log = deliveries
        self._pacer = pacer
        self._stop = stop
        self._executor = executor
        self._done = done
        self.ops: ChannelWorker | None = None  # where dead-letters are reported (link_ops)
        self._warn_cap()
        self.task = asyncio.create_task(self._loop(), name=f"notifier:{channel.name}")

    @property
    def pending(self) -> int:
        """Jobs queued or in hand."""
        return self.queue.qsize() + (1 if self.busy else 0)

    @property
    def busy(self) -> bool:
        """A job is in hand."""
        return self.current is not None

    async def _loop(self) -> None:
        while not (self._stop.stopping or self._closing):
            job = await self.queue.get()
            if self._stop.stopping:
                return
            self.current = job
            try:
                await self._deliver(job)
            finally:
                self.current = None

    def revoke(self, partitions: set[int], partitions_of: Callable[[Job], frozenset[int]]) -> None:
        """Jobs of revoked `partitions` queued or in hand are dropped at their turn, even if
        the partitions come back here: their records are read again from the committed
        offset, so a later job sent now would overtake an earlier one dropped before it."""
        queued = [self.queue.get_nowait() for _ in range(self.queue.qsize())]
        for job in [self.current, *queued]:
            if job is not None and partitions_of(job) & partitions:
                job.revoked = True
        for job in queued:
            self.queue.put_nowait(job)

    async def close(self) -> None:
        """Stop taking jobs; a send in progress finishes (and is logged) first."""
        self._closing = True
        if not self.busy:
            self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task

    def _warn_cap(self) -> None:
        """Say so when `max_attempts` (a config from before max_delay) gives up long before
        `max_delay`: with back-off capped at a few seconds, 8 tries last under a minute."""
        budget = attempts_budget(self._settings.notifier)
        if budget is not None and budget < self.max_delay:
            log.warning(
                MAX_ATTEMPTS_CAPS,
                channel=self.channel.name,
                max_attempts=self._settings.notifier.max_attempts,
                gives_up_after_s=round(budget, 1),
                max_delay_s=self.max_delay,
            )

    @property
    def max_delay(self) -> float:
        """How long after its first try a delivery is retried before it is dead-lettered."""
        return self.channel.config.max_delay or self._settings.notifier.max_delay

    def _ready_at(self, job: Job, name: str) -> float:
        """Since when the trader could have had the alert: when the classifier flagged it, so
        an alert queued behind a failing one is as late as the one that failed; else (no such
        time, or a clock behind) the first try."""
        first = self._log.first_tried(job.key, name) or time.time()
        detected = None if job.alert is None else job.alert.detected_at
        return first if detected is None else min(first, detected.timestamp())

    def _message(self, job: Job, first_at: float) -> Rendered:
        """The job's message, re-rendered to say how late when it is late."""
        late = time.time() - first_at
        if job.view is None or job.remake is None:
            return job.message
        if late < self._settings.notifier.delayed_after:
            return job.message
        return job.remake(replace(job.view, delayed=delayed(late)))

    async def _send(self, job: Job, done: set[str]) -> Outcome:
        """Each target not yet `done`, in order; a multi-target acceptance is logged at once."""
        loop = asyncio.get_running_loop()
        targets, name = self.channel.targets, self.channel.name
        message = self._message(job, self._ready_at(job, name))
        tag = Tag(job.key, None if job.alert is None else job.alert.id)
        for target in targets:
            if target in done:
                continue
            parent = (
                None if job.reply_to is None else self._log.message_ref(job.reply_to, name, target)
            )
            outcome = await loop.run_in_executor(
                self._executor, deliver, self.channel, message, target, parent, tag
            )
            if not outcome.ok:
                return outcome
            if outcome.message_id is not None and job.alert is not None:
                self._log.remember_message(job.key, name, target, outcome.message_id)
            if len(targets) > 1:
                self._log.accept(job.key, self.channel.name, target)
            done.add(target)
        return Outcome(True)

    async def _deliver(self, job: Job) -> None:
        if self._gate is None:
            await self._deliver_job(job)
            return
        with self._gate.scope(job):
            await self._deliver_job(job)

    async def _deliver_job(self, job: Job) -> None:
        name, cfg = self.channel.name, self._settings.notifier
        bound = structlog.contextvars.bound_contextvars(alert_id=job.key, channel=name)
        with bound:
            state = self._log.state(job.key, name)
            if state in FINAL:  # the same alert twice in the topic: the first copy won
                await self._done(name, job, state)
                return
            attempt = self._log.attempts(job.key, name)
            done = self._log.accepted(job.key, name) if len(self.channel.targets) > 1 else set()
            while True:
                if not await self._pacer.acquire(list(self.channel.limits), self._stop):
                    return  # stopping: not committed, so it comes back after a restart
                attempt += 1
                if job.revoked or (self._gate is not None and not self._gate.owns(job)):
                    await self._done(name, job, REVOKED)  # its (new) owner reads it again
                    return
                blocked = self._log.claim(job.key, name, cfg.claim_lease)
                if blocked is not None:  # sent, settled, or being sent by another replica
                    await self._done(name, job, blocked)
                    return
                if self._gate is not None and not await self._gate.sync():
                    return  # the claim is not in the changelog: not sent, not committed
                self.sending = job
                try:
                    outcome = await self._send(job, done)
                finally:
                    self.sending = None
                if outcome.ok:
                    self._log.mark(job.key, name, DELIVERED)
                    log.info(ALERT_DELIVERED, attempt=attempt, kind=self.channel.kind)
                    DELIVERIES.labels(channel=name, outcome="delivered").inc()
                    self._observe_latency(job)
                    await self._done(name, job, DELIVERED)
                    return
                self._log.mark(job.key, name, FAILED, outcome.reason)
                if self._gate is not None:
                    # published now, not with the next claim: a host that takes the partition
                    # over during the back-off finds a failed try, not a send in flight
                    await self._gate.sync()
                throttled = outcome.retry_after is not None
                outcome_name = "rate_limited" if throttled else "failed"
                DELIVERIES.labels(channel=name, outcome=outcome_name).inc()
                now = time.time()
                deadline = (self._log.first_tried(job.key, name) or now) + self.max_delay
                capped = cfg.max_attempts is not None and attempt >= cfg.max_attempts
                if outcome.permanent or capped or now >= deadline:
                    await self._give_up(job, attempt, outcome, capped=capped)
                    return
                if outcome.retry_after is not None:  # the service said how long: exactly that
                    delay = outcome.retry_after
                else:
                    delay = backoff(attempt, cfg.backoff_base, cfg.backoff_max)
                delay = min(delay, deadline - now)  # one last try at the deadline
                self._pacer.pause(self.channel.pause_keys, delay)
                log.warning(
                    DELIVERY_RATE_LIMITED if throttled else DELIVERY_FAILED,
                    attempt=attempt,
                    retry_in=round(delay, 2),
                    reason=outcome.reason,
                )
                if await self._stop.wait(delay):
                    return

    def _observe_latency(self, job: Job) -> None:
        """First seen (else detected) -> delivered, for single alerts; digests wait on purpose."""
        if job.alert is None:
            return
        since = job.alert.first_seen or job.alert.detected_at
        if since is not None:
            seconds = max(0.0, (datetime.now(UTC) - since).total_seconds())
            ALERT_LATENCY.labels(channel=self.channel.name).observe(seconds)

    async def _give_up(self, job: Job, attempts: int, last: Outcome, *, capped: bool) -> None:
        DELIVERIES.labels(channel=self.channel.name, outcome="dead").inc()
        reason = why_dead(self.channel.name, last, attempts, capped=capped, within=self.max_delay)
        if not job.notice:  # a notice the ops channel could not take is logged and listed only
            await letter(self._bus, self._settings.kafka.topics, job, reason)
        alert = None if job.alert is None else job.alert.model_dump_json()
        self._log.bury(job.key, self.channel.name, reason, alert)
        log.error(DELIVERY_DEAD_LETTERED, attempts=attempts, reason=reason)
        self._report(job, reason)
        await self._done(self.channel.name, job, DEAD)

    def _report(self, job: Job, reason: str) -> None:
        """Queue a notice on the ops channel; not for its own dead-letters (it is the one
        down: a notice would queue behind the outage and its dead-letter report again)."""
        ops = self.ops
        if ops is None or ops is self or job.notice:
            return
        key = f"ops:{self.channel.name}:{job.key}"
        message = notice(job.key, self.channel.name, reason, job.alert, ops.channel.kind)
        if job.ticket is not None:  # the alert's offset waits for its notice too
            job.ticket.remaining += 1
        ops.queue.put_nowait(Job(key=key, message=message, ticket=job.ticket, notice=True))


def link_ops(workers: dict[str, ChannelWorker], name: str | None) -> None:
    """Point every worker at the ops channel `name` (a configured channel), if any."""
    if name is None:
        return
    if name not in workers:
        known = ", ".join(workers) or "none"
        raise NotifyError(f"notifier.ops_channel: no channel named {name!r} (channels: {known})")
    for worker in workers.values():
        worker.ops = workers[name]
