"""`redflag deadletter list|replay` on the Kafka runner: from the changelog, through the sender.

With replicas on several hosts no one cache holds every dead delivery, and a lost cache
holds none. So `list` reads them from the changelog topics (statesnapshot.py: a read-only copy,
no group joined), and `replay` never sends anything itself: it asks the channel's sender,
by a `Delivery` marked `replay` on `kafka.topics.deliveries` keyed by the channel. The
replica that owns the channel's partition handles it in order with the channel's other
messages, through its pacer and its delivery log: it sends only a pair still `dead` there
(`DeadDeliveries.revive`), so a replay never races the running sender, a pair delivered since
is not sent again, and a request read twice (a second replay, a redelivery) sends once.
The command then follows the senders' changelog until each pair is settled, or `wait` ends.
"""

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas.alert import Alert
from schemas.delivery import Delivery
from services.app.statesnapshot import Snapshot, SnapshotError, snapshot
from services.core.bus import BusError
from services.core.kafkabus import KafkaBus
from services.notifier.channels import Channel, ChannelError, build, close
from services.notifier.config import Settings
from services.notifier.deadletters import ReplayResult, format_dead, message_for, not_dead
from services.notifier.deadlog import DEAD, Dead
from services.notifier.deliverylog import DELIVERED, UNCERTAIN
from services.notifier.view import delayed

_POLL_S = 0.5


class ReplayRefusedError(Exception):
    """A replay that cannot reach the pair's sender (the message says why and what to do)."""


def uses_kafka(settings: Settings, where: str | None, *, kafka_configured: bool) -> bool:
    """Read the changelog (True) or this host's `state_dir` (False): as `where` says
    ('kafka', 'local'), else the changelog when Kafka is configured and it is on."""
    if where is not None:
        return where == "kafka"
    return kafka_configured and settings.notifier.changelog


def dead_rows(
    snap: Snapshot, channel: str | None, since: float | None, alert_ids: Sequence[str] = ()
) -> list[Dead]:
    """Dead-lettered pairs in every partition's state, oldest first."""
    rows = [r for c in snap.copies.values() for r in c.log.dead(channel, since)]
    rows.sort(key=lambda r: r.at)
    return [r for r in rows if not alert_ids or r.alert_id in alert_ids]


@dataclass
class _Asked:
    """A replay requested: its pair as it was dead in the snapshot, the line once settled."""

    row: Dead
    line: str | None = None
    failed: bool = False


@dataclass
class _Run:
    settings: Settings
    snap: Snapshot
    channels: dict[str, Channel] = field(default_factory=dict)
    broken: int = 0  # channels that could not be built: counted as failed, as locally

    def channel(self, name: str) -> Channel:
        if name not in self.channels:
            config = next(c for c in self.settings.channels if c.name == name)
            self.channels[name] = build(config, self.settings.notifier)
        return self.channels[name]

    def request(self, row: Dead) -> Delivery | str:
        """The replay request for a dead pair, or the line saying why there is none."""
        where = f"{row.alert_id} -> {row.channel}"
        sender = self.snap.sender_log()
        if row.alert is None:
            return f"{where}: not replayable (a digest or ops notice; see the dead-letter topic)"
        if sender is None or sender.state(row.alert_id, row.channel) != DEAD:
            return (
                f"{where}: dead in the routing side's state (from before the deliveries hop): "
                "replay it with --local where its notifier ran"
            )
        if row.channel not in {c.name for c in self.settings.channels}:
            return f"{where}: channel no longer configured, skipped"
        try:
            channel = self.channel(row.channel)
        except ChannelError as exc:
            self.broken += 1
            return f"{where}: {exc}"
        alert = Alert.model_validate_json(row.alert)
        m = message_for(channel, alert, self.settings, time.time() - row.first_at)
        return Delivery(
            channel=row.channel,
            alert=alert,
            title=m.title,
            body=m.body,
            body_format=m.body_format,
            level=m.level,
            plain=True,  # re-rendered by the sender to say how late, as any late alert
            replay=True,
        )

    def settled(self, asked: _Asked) -> bool:
        """Whether the sender's outcome for `asked` is in the copy (then its line is set)."""
        log, row = self.snap.sender_log(), asked.row
        assert log is not None
        where = f"{row.alert_id} -> {row.channel}"
        state = log.state(row.alert_id, row.channel)
        if state == DELIVERED:
            asked.line = f"{where}: sent ({delayed(time.time() - row.first_at)})"
        elif state == UNCERTAIN:
            asked.line = f"{where}: uncertain (the sender stopped mid-send; see on_uncertain)"
        elif state == DEAD:
            now = [d for d in log.dead(row.channel) if d.alert_id == row.alert_id]
            if not now or now[0].at == row.at:
                return False  # not handled yet
            asked.line, asked.failed = f"{where}: {now[0].reason}", True
        return asked.line is not None


async def replay(
    settings: Settings,
    snap: Snapshot,
    *,
    channel: str | None = None,
    since: float | None = None,
    alert_ids: Sequence[str] = (),
    wait: float = 60.0,
) -> ReplayResult:
    """Ask each dead pair's sender to send it once more; wait up to `wait` s for the
    outcomes (0: do not wait). Lines as the local replay's; `failed` counts sends that
    failed again (and requests the bus did not take)."""
    if not settings.notifier.deliveries_hop:
        raise ReplayRefusedError(
            "notifier.deliveries_hop is off: no sender owns the channel's queue to replay "
            "through; run `redflag deadletter replay --local` where the pair's notifier runs"
        )
    result = ReplayResult([])
    rows = dead_rows(snap, channel, since, alert_ids)
    if alert_ids:
        found = {r.alert_id for r in rows}
        names = [c.name for c in settings.channels if channel is None or c.name == channel]
        logs = [c.log for c in snap.copies.values()]
        for missing in dict.fromkeys(a for a in alert_ids if a not in found):
            result.lines.append(not_dead(logs, missing, names))
    run = _Run(settings, snap)
    asked: list[_Asked] = []
    try:
        requests = [(row, run.request(row)) for row in rows]
    finally:
        close(run.channels.values())
    result.failed += run.broken
    wanted = [(row, d) for row, d in requests if isinstance(d, Delivery)]
    result.lines += [d for _, d in requests if isinstance(d, str)]
    if wanted:
        topic = settings.kafka.topics.deliveries
        try:
            async with KafkaBus(settings.kafka) as bus:
                for row, delivery in wanted:
                    await bus.send(topic, row.channel, delivery.model_dump_json().encode())
                    asked.append(_Asked(row))
        except BusError as exc:
            raise SnapshotError(f"the replay requests were not all taken: {exc}") from exc
    await _follow(run, asked, wait)
    for a in asked:
        where = f"{a.row.alert_id} -> {a.row.channel}"
        result.lines.append(
            a.line
            or f"{where}: requested; not settled within {wait:g} s: the channel's sender sends "
            "it when it runs (`redflag deadletter list` shows it until then)"
        )
        result.failed += a.failed
    return result


async def _follow(run: _Run, asked: list[_Asked], wait: float) -> None:
    """Read the senders' changelog until every request is settled or `wait` s pass."""
    deadline = time.monotonic() + wait
    pending = list(asked)
    while pending and time.monotonic() < deadline:
        await asyncio.sleep(_POLL_S)
        await run.snap.refresh()
        pending = [a for a in pending if not run.settled(a)]


@dataclass
class Said:
    """What a command prints: lines on stdout, or an error on stderr, and its exit status."""

    lines: list[str]
    error: str | None = None
    status: int = 0


async def command(
    settings: Settings,
    action: str,
    *,
    channel: str | None,
    since: float | None,
    alert_ids: Sequence[str],
    wait: float,
) -> Said:
    """`redflag deadletter list|replay` from the changelog (exit 1: Kafka failed or a
    replay failed again; 2: a replay that cannot be made here)."""
    try:
        async with snapshot(settings) as snap:
            if not snap.copies:
                missing = ", ".join(snap.missing)
                return Said(
                    [
                        "no dead-lettered deliveries: no notifier state in Kafka (no topic "
                        f"{missing}: has the notifier run there with notifier.changelog on?)"
                    ]
                )
            if action == "list":
                rows = dead_rows(snap, channel, since, alert_ids)
                return Said(format_dead(rows) or ["no dead-lettered deliveries"])
            result = await replay(
                settings, snap, channel=channel, since=since, alert_ids=alert_ids, wait=wait
            )
            return Said(result.lines or ["nothing to replay"], status=1 if result.failed else 0)
    except ReplayRefusedError as exc:
        return Said([], str(exc), 2)
    except SnapshotError as exc:
        return Said([], str(exc), 1)
