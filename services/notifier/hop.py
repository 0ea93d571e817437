"""The notifier's second hop, routing side: one `Delivery` per (alert, channel) on
`redflag.deliveries`, keyed by channel, instead of queueing to this replica's workers.

The alerts partition's owner decides what each channel gets (event plan, thread opener,
quiet hours and digests stay here) and renders it; sender.py sends it from the replica that
owns the channel's partition. The alert's offset is committed once every message is acked,
so a crash in between produces them again: the sender's delivery log (keyed by alert id and
channel) skips what it has sent.
"""

import asyncio

from schemas.delivery import Delivery
from services.core.bus import Bus
from services.notifier.channels import Channel
from services.notifier.console import format_alert, use_colour
from services.notifier.delivery import Job
from services.notifier.render import Rendered, render
from services.notifier.view import AlertView


class Hop:
    """Produces a routed alert's jobs to the deliveries topic."""

    def __init__(self, bus: Bus, topic: str) -> None:
        self._bus = bus
        self._topic = topic

    async def send(self, jobs: list[tuple[Channel, Job]], plain: AlertView) -> None:
        """Every job as a `Delivery`, each acknowledged before this returns (one per
        channel, so their order within a channel's partition is the routing order). A job
        whose view is `plain` (the alert's own) is marked so: the sender may re-render it."""
        await asyncio.gather(
            *(self._send(channel, job, job.view is plain) for channel, job in jobs)
        )

    async def _send(self, channel: Channel, job: Job, plain: bool) -> None:
        assert job.alert is not None
        m = job.message
        delivery = Delivery(
            channel=channel.name,
            alert=job.alert,
            title=m.title,
            body=m.body,
            body_format=m.body_format,
            level=m.level,
            reply_to=job.reply_to,
            plain=plain,
        )
        await self._bus.send(self._topic, channel.name, delivery.model_dump_json().encode())


def render_for(channel: Channel, v: AlertView) -> Rendered:
    """`v` rendered for `channel` (the console: the terminal block)."""
    if channel.kind is None:
        colour = channel.out is not None and use_colour(channel.out)
        return Rendered("", format_alert(v, colour=colour), "text", "info")
    return render(v, channel.kind, channel.max_length)
