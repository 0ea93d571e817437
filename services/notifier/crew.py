"""One process's channel workers with their thread pool and pacer, and the consume loop that
feeds them: the same for the router (stage.py) and the deliveries hop's sender (sender.py)."""

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from services.core.bus import Bus, Consumer, Record
from services.core.lifecycle import StopSignal
from services.notifier.channels import Channel
from services.notifier.channels import close as close_channels
from services.notifier.config import Settings
from services.notifier.delivery import ChannelWorker, link_ops
from services.notifier.deliverylog import DeliveryLog
from services.notifier.jobs import Done, Gate
from services.notifier.pacing import Pacer


class Crew:
    """A worker per channel, one pacer and one send thread per channel."""

    def __init__(
        self,
        channels: list[Channel],
        *,
        settings: Settings,
        bus: Bus,
        deliveries: DeliveryLog,
        stop: StopSignal,
        done: Done,
        gate: Gate | None,
        thread_prefix: str,
        pacer: Pacer | None = None,
    ) -> None:
        self.channels = {c.name: c for c in channels}
        self.settings = settings
        self.gate = gate
        self.executor = ThreadPoolExecutor(
            max_workers=max(1, len(channels)), thread_name_prefix=thread_prefix
        )
        self.pacer = pacer = pacer or Pacer()
        self.workers = {
            c.name: ChannelWorker(
                c,
                settings=settings,
                bus=bus,
                deliveries=deliveries,
                pacer=pacer,
                stop=stop,
                executor=self.executor,
                done=done,
                gate=gate,
            )
            for c in channels
        }
        link_ops(self.workers, settings.notifier.ops_channel)

    async def quiesce(self, partitions: set[int]) -> None:
        """`partitions` are revoked; their next owner restores them once we let go, so no
        send of theirs may outlive that (bounded: a send still going then is settled by
        `on_uncertain` there). Their jobs still waiting are dropped (`ChannelWorker.revoke`).
        The gate's `quiesce` hook, for the router and the sender."""
        assert self.gate is not None
        for worker in self.workers.values():
            worker.revoke(partitions, self.gate.partitions_of)
        await self.gate.sends_finished(
            lambda: [w.sending for w in self.workers.values()],
            partitions,
            bound=self.settings.notifier.request_timeout + 5.0,
        )

    async def close(self) -> None:
        """Workers first (they finish or drop what they hold), then threads and channels."""
        for worker in self.workers.values():
            await worker.close()
        self.executor.shutdown(wait=True)
        close_channels(self.channels.values())


async def feed(
    consumer: Consumer,
    stop: StopSignal,
    handle: Callable[[Record], Awaitable[None]],
    *,
    full: Callable[[], bool],
    idle: Callable[[], bool],
    each_turn: Callable[[], None] = lambda: None,
) -> None:
    """Hand records to `handle` until `stop.stop`; none while `full()` (bounded work in
    flight); after `stop.drain`, return once no record is left and `idle()`."""
    while not stop.stopping:
        each_turn()
        if full():
            await stop.wait(0.05)
            continue
        records = await consumer.poll(timeout=0.5)
        if not records:
            if stop.drain.is_set() and idle():
                return
            continue
        for record in records:
            await handle(record)
