"""The notifier's second hop, routing side: one `Delivery` per (alert, channel) on
`redflag.deliveries`, keyed by channel, instead of queueing to this replica's workers.

The alerts partition's owner decides what each channel gets (event plan, thread opener,
quiet hours and digests stay here) and renders it; sender.py sends it from the replica that
owns the channel's partition. The alert's offset is committed once every message is acked,
so a crash in between produces them again: the sender's delivery log (keyed by alert id and
channel) skips what it has sent. A digest (or a quiet-hours release) goes the same way when
due (`hand_digest`), keyed 'digest:<batch>', so the channel's one sender paces it with the
rest and sends it once.
"""

import asyncio
from functools import partial

import structlog

from schemas.delivery import Delivery, Shown, ShownFact
from services.core.bus import Bus, BusError
from services.notifier.changelog import PartitionState
from services.notifier.channels import Channel
from services.notifier.console import format_alert, use_colour
from services.notifier.deliverylog import DELIVERED
from services.notifier.digest import Digests, Hand
from services.notifier.jobs import Job
from services.notifier.render import Rendered, render
from services.notifier.view import AlertView

log = structlog.get_logger(__name__)

DIGEST_NOT_HANDED = "digest_not_handed"


class Hop:
    """Produces a routed alert's jobs to the deliveries topic."""

    def __init__(self, bus: Bus, topic: str) -> None:
        self._bus = bus
        self._topic = topic

    async def send(self, jobs: list[tuple[Channel, Job]], plain: AlertView) -> None:
        """Every job as a `Delivery`, each acknowledged before this returns (one per
        channel, so their order within a channel's partition is the routing order). A job
        whose view is `plain` (the alert's own) is marked so, any other carries what it
        shows (`Shown`): the sender may re-render either."""
        await asyncio.gather(*(self._send(channel, job, plain) for channel, job in jobs))

    async def _send(self, channel: Channel, job: Job, plain: AlertView) -> None:
        assert job.alert is not None
        v = job.view
        shown = None if v is None or v is plain else shown_of(v)
        await self._produce(channel, job, plain=v is plain, shown=shown)

    async def send_digest(self, channel: Channel, job: Job) -> None:
        """A digest job (key 'digest:<batch>', its alerts), acknowledged on return."""
        await self._produce(channel, job, key=job.key, alerts=job.alerts)

    async def _produce(self, channel: Channel, job: Job, **extra: object) -> None:
        m = job.message
        delivery = Delivery.model_validate(
            {
                "channel": channel.name,
                "alert": job.alert,
                "title": m.title,
                "body": m.body,
                "body_format": m.body_format,
                "level": m.level,
                "reply_to": job.reply_to,
                **extra,
            }
        )
        await self._bus.send(self._topic, channel.name, delivery.model_dump_json().encode())


def shown_of(v: AlertView) -> Shown:
    """What a reply's or an UPDATE's view shows beyond the alert's own."""
    facts = tuple(ShownFact(label=f.label, value=f.value, strong=f.strong) for f in v.facts)
    return Shown(badge=v.badge, emoji=v.emoji, facts=facts, severe=v.severe)


async def hand_digest(
    hop: Hop, state: PartitionState, digests: Digests, channel: Channel, job: Job
) -> None:
    """A due digest to the channel's sender: its batch is in the changelog first (so a crash
    after the send produces the same batch again, which the sender skips), then it is
    produced, then closed here. Not ours any more: left for the partitions' new owner."""
    if not state.owns(job) or not await state.sync():
        digests.dropped(channel.name)
        return
    try:
        await hop.send_digest(channel, job)
    except BusError as exc:  # the broker did not take it: the same batch again next tick
        log.warning(DIGEST_NOT_HANDED, channel=channel.name, batch=job.batch, error=str(exc))
        digests.dropped(channel.name)
        return
    with state.scope(job):
        digests.finished(channel.name, job, DELIVERED)
    await state.sync()


def digest_hand(hop: Hop | None, state: PartitionState | None, digests: Digests) -> Hand | None:
    """With the hop, where a due digest goes: to its channel's sender (`hand_digest`); None
    (without it): to the channel's worker here."""
    if hop is None or state is None:
        return None
    return partial(hand_digest, hop, state, digests)


def render_for(channel: Channel, v: AlertView) -> Rendered:
    """`v` rendered for `channel` (the console: the terminal block)."""
    if channel.kind is None:
        colour = channel.out is not None and use_colour(channel.out)
        return Rendered("", format_alert(v, colour=colour), "text", "info")
    return render(v, channel.kind, channel.max_length)
